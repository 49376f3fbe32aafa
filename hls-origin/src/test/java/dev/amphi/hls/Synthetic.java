package dev.amphi.hls;

import dev.amphi.media.AacConfig;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;

/**
 * Synthetic packets for unit tests: a real 320x240 High-profile SPS/PPS (from libx264) with
 * made-up slice payloads, 30 fps with two B-frames between references and a keyframe every
 * {@code gop} frames, and 44.1 kHz AAC frames, interleaved in decode order like an RTMP publisher.
 */
public final class Synthetic {

    public static final AvcConfig AVC = AvcConfig.parse(HexFormat.of().parseHex(
            "0164000dffe100186764000dacd94141fa10000003001000000303c0f142996001000468efbcb0fdf8f800"));
    public static final AacConfig AAC = AacConfig.lc(44100, 2);
    public static final int FRAME = 3000;

    private Synthetic() {
    }

    /** {@code seconds} of video (keyframe every {@code gop} frames) and audio, starting at {@code startDts}. */
    public static List<MediaPacket> stream(double seconds, int gop, long startDts, boolean video, boolean audio) {
        List<MediaPacket> out = new ArrayList<>();
        int frames = (int) Math.round(seconds * 30);
        long audioFrames = Math.round(seconds * 44100 / 1024);
        int a = 0;
        for (int i = 0; i < frames || (audio && a < audioFrames); i++) {
            long vdts = startDts + (long) i * FRAME;
            while (audio && a < audioFrames && audioDts(startDts, a) <= vdts) {
                out.add(new MediaPacket(MediaKind.AUDIO, AAC, audioDts(startDts, a), 0, true, payload(a, 200)));
                a++;
            }
            if (video && i < frames) {
                boolean key = i % gop == 0;
                // decode order I P B B P B B ...: references are shown 3 frames later, B-frames 1 frame later
                int cto = (i % 3 == 0 || key) ? 2 * FRAME : (i % 3 == 1 ? 4 * FRAME : 0);
                out.add(new MediaPacket(MediaKind.VIDEO, AVC, vdts, cto, key, payload(i, key ? 3000 : 500)));
            }
        }
        return out;
    }

    /**
     * The configuration of {@link #AVC} with its SPS rewritten (by jcodec) for {@code width} x
     * {@code height} (even), so that ladder rungs of different sizes can be told apart.
     */
    public static AvcConfig avc(int width, int height) {
        byte[] nal = AVC.sps().get(0);
        ByteBuffer rbsp = ByteBuffer.wrap(nal, 1, nal.length - 1).slice();
        H264Utils.unescapeNAL(rbsp);
        SeqParameterSet sps = SeqParameterSet.read(rbsp);
        int mbsWide = (width + 15) / 16;
        int mbsHigh = (height + 15) / 16;
        sps.picWidthInMbsMinus1 = mbsWide - 1;
        sps.picHeightInMapUnitsMinus1 = mbsHigh - 1;
        sps.frameMbsOnlyFlag = true;
        sps.frameCroppingFlag = mbsWide * 16 != width || mbsHigh * 16 != height;
        sps.frameCropLeftOffset = 0;
        sps.frameCropTopOffset = 0;
        sps.frameCropRightOffset = (mbsWide * 16 - width) / 2;
        sps.frameCropBottomOffset = (mbsHigh * 16 - height) / 2;
        ByteBuffer raw = ByteBuffer.allocate(nal.length + 64);
        sps.write(raw);
        raw.flip();
        ByteBuffer escaped = ByteBuffer.allocate(raw.remaining() * 2);
        H264Utils.escapeNAL(raw, escaped);
        escaped.flip();
        byte[] newSps = new byte[escaped.remaining() + 1];
        newSps[0] = nal[0];
        escaped.get(newSps, 1, newSps.length - 1);
        byte[] pps = AVC.pps().get(0);
        ByteBuffer record = ByteBuffer.allocate(11 + newSps.length + pps.length);
        record.put((byte) 1).put(newSps[1]).put(newSps[2]).put(newSps[3]).put((byte) 0xff).put((byte) 0xe1)
                .putShort((short) newSps.length).put(newSps).put((byte) 1).putShort((short) pps.length).put(pps);
        return AvcConfig.parse(record.array());
    }

    /** {@code packets} with every video packet carrying {@code config} instead. */
    public static List<MediaPacket> withConfig(List<MediaPacket> packets, AvcConfig config) {
        return packets.stream().map(p -> p.kind() != MediaKind.VIDEO ? p
                : new MediaPacket(p.kind(), config, p.dts(), p.compositionOffset(), p.keyframe(), p.data())).toList();
    }

    private static long audioDts(long start, int index) {
        // milliseconds, as RTMP carries them
        return start + Math.round(index * 1024 * 1000.0 / 44100) * 90;
    }

    private static byte[] payload(int index, int size) {
        byte[] b = new byte[size];
        b[0] = (byte) (size >> 24);
        b[1] = (byte) (size >> 16);
        b[2] = (byte) ((size - 4) >> 8);
        b[3] = (byte) (size - 4);
        b[4] = 0x65;
        b[5] = (byte) index;
        return b;
    }
}
