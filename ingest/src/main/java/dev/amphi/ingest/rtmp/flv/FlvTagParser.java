package dev.amphi.ingest.rtmp.flv;

import dev.amphi.media.AacConfig;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.CodecConfig;
import dev.amphi.media.MediaKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Parses FLV audio and video tag bodies (FLV spec v10.1, E.4.2/E.4.3, and the "enhanced RTMP"
 * extension's ExVideoTagHeader/ExAudioTagHeader) as pure functions. H.264 (legacy codec id 7 or
 * FourCC {@code avc1}) and AAC (sound format 10 or FourCC {@code mp4a}) are supported; every other
 * codec fails with {@link UnsupportedCodecException} naming it. Truncated or invalid bodies fail
 * with {@link CorruptedFrameException}. The buffer is read, never released.
 */
public final class FlvTagParser {

    private FlvTagParser() {
    }

    public static FlvTag parseVideo(ByteBuf in) {
        if (!in.isReadable()) {
            return new FlvTag.Skip("empty video message");
        }
        int b0 = in.readUnsignedByte();
        if ((b0 & 0x80) != 0) {
            return parseExVideo(b0, in);
        }
        int frameType = b0 >>> 4;
        int codecId = b0 & 0x0f;
        if (frameType == 5) {
            return new FlvTag.Skip("video info/command frame");
        }
        if (codecId != 7) {
            throw new UnsupportedCodecException(switch (codecId) {
                case 2 -> "Sorenson H.263";
                case 3 -> "Screen Video";
                case 4 -> "On2 VP6";
                case 5 -> "On2 VP6 with alpha";
                case 6 -> "Screen Video 2";
                case 12 -> "HEVC";
                case 13 -> "AV1";
                default -> "video codec id " + codecId;
            });
        }
        need(in, 4, "AVC packet header");
        int packetType = in.readUnsignedByte();
        int cto = in.readMedium(); // signed 24 bits
        return avc(packetType, frameType == 1 || frameType == 4, cto, in);
    }

    private static FlvTag parseExVideo(int b0, ByteBuf in) {
        int frameType = (b0 >>> 4) & 0x07;
        int packetType = b0 & 0x0f;
        need(in, 4, "enhanced RTMP video FourCC");
        String fourCc = fourCc(in);
        if (packetType == 6 || packetType == 7) {
            throw new UnsupportedCodecException("enhanced RTMP " + (packetType == 6 ? "multitrack" : "ModEx")
                    + " video (" + fourCc + ")");
        }
        switch (fourCc) {
            case "avc1" -> {
                if (frameType == 5 && packetType != 0) {
                    return new FlvTag.Skip("video command frame");
                }
                boolean key = frameType == 1 || frameType == 4;
                switch (packetType) {
                    case 0 -> {
                        return avc(0, key, 0, in);
                    }
                    case 1 -> {
                        need(in, 3, "composition time");
                        return avc(1, key, in.readMedium(), in);
                    }
                    case 2 -> {
                        return new FlvTag.Skip("end of sequence");
                    }
                    case 3 -> {
                        return avc(1, key, 0, in);
                    }
                    case 4 -> {
                        return new FlvTag.Skip("video metadata");
                    }
                    default -> throw new UnsupportedCodecException("enhanced RTMP video packet type " + packetType);
                }
            }
            case "hvc1" -> throw new UnsupportedCodecException("HEVC");
            case "av01" -> throw new UnsupportedCodecException("AV1");
            case "vp09" -> throw new UnsupportedCodecException("VP9");
            case "vp08" -> throw new UnsupportedCodecException("VP8");
            default -> throw new UnsupportedCodecException("video FourCC '" + printable(fourCc) + "'");
        }
    }

    private static FlvTag avc(int packetType, boolean keyframe, int cto, ByteBuf in) {
        return switch (packetType) {
            case 0 -> sequenceHeader(in, "AVC", AvcConfig::parse);
            case 1 -> frame(in, "AVC", MediaKind.VIDEO, keyframe, cto);
            case 2 -> new FlvTag.Skip("end of sequence");
            default -> throw new CorruptedFrameException("AVC packet type " + packetType + ", expected 0, 1 or 2");
        };
    }

    public static FlvTag parseAudio(ByteBuf in) {
        if (!in.isReadable()) {
            return new FlvTag.Skip("empty audio message");
        }
        int b0 = in.readUnsignedByte();
        int format = b0 >>> 4;
        if (format == 9) {
            return parseExAudio(b0 & 0x0f, in);
        }
        if (format != 10) {
            throw new UnsupportedCodecException(switch (format) {
                case 0, 3 -> "Linear PCM";
                case 1 -> "ADPCM";
                case 2, 14 -> "MP3";
                case 4, 5, 6 -> "Nellymoser";
                case 7 -> "G.711 A-law";
                case 8 -> "G.711 mu-law";
                case 11 -> "Speex";
                case 15 -> "device-specific sound";
                default -> "sound format " + format;
            });
        }
        need(in, 1, "AAC packet type");
        return aac(in.readUnsignedByte(), in);
    }

    private static FlvTag parseExAudio(int packetType, ByteBuf in) {
        need(in, 4, "enhanced RTMP audio FourCC");
        String fourCc = fourCc(in);
        if (packetType == 5 || packetType == 7) {
            throw new UnsupportedCodecException("enhanced RTMP " + (packetType == 5 ? "multitrack" : "ModEx")
                    + " audio (" + fourCc + ")");
        }
        return switch (fourCc) {
            case "mp4a" -> switch (packetType) {
                case 0, 1 -> aac(packetType, in);
                case 2 -> new FlvTag.Skip("end of sequence");
                default -> new FlvTag.Skip("enhanced RTMP audio packet type " + packetType);
            };
            case "Opus" -> throw new UnsupportedCodecException("Opus");
            case "fLaC" -> throw new UnsupportedCodecException("FLAC");
            case "ac-3" -> throw new UnsupportedCodecException("AC-3");
            case "ec-3" -> throw new UnsupportedCodecException("E-AC-3");
            case ".mp3" -> throw new UnsupportedCodecException("MP3");
            default -> throw new UnsupportedCodecException("audio FourCC '" + printable(fourCc) + "'");
        };
    }

    private static FlvTag aac(int packetType, ByteBuf in) {
        return switch (packetType) {
            case 0 -> sequenceHeader(in, "AAC", AacConfig::parse);
            case 1 -> frame(in, "AAC", MediaKind.AUDIO, true, 0);
            default -> throw new CorruptedFrameException("AAC packet type " + packetType + ", expected 0 or 1");
        };
    }

    private static String fourCc(ByteBuf in) {
        String s = in.toString(in.readerIndex(), 4, StandardCharsets.ISO_8859_1);
        in.skipBytes(4);
        return s;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    private static void need(ByteBuf in, int n, String what) {
        if (in.readableBytes() < n) {
            throw new CorruptedFrameException("truncated " + what + ": need " + n + " bytes, "
                    + in.readableBytes() + " left");
        }
    }

    /** The whole remaining body is a codec configuration record. */
    private static FlvTag sequenceHeader(ByteBuf in, String codec, Function<byte[], ? extends CodecConfig> parse) {
        try {
            return new FlvTag.SequenceHeader(parse.apply(ByteBufUtil.getBytes(in)));
        } catch (IllegalArgumentException e) {
            throw new CorruptedFrameException("bad " + codec + " sequence header: " + e.getMessage());
        } finally {
            in.skipBytes(in.readableBytes());
        }
    }

    /** The whole remaining body is one access unit, copied once into the packet's array. */
    private static FlvTag frame(ByteBuf in, String codec, MediaKind kind, boolean keyframe, int cto) {
        if (!in.isReadable()) {
            return new FlvTag.Skip("empty " + codec + " frame");
        }
        byte[] data = new byte[in.readableBytes()];
        in.readBytes(data);
        return new FlvTag.Frame(kind, keyframe, cto, data);
    }
}
