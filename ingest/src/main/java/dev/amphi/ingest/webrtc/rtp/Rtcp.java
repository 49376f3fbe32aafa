package dev.amphi.ingest.webrtc.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Compound RTCP packets (RFC 3550 6.1) as pure functions: {@link #parse} splits a compound packet
 * (already decrypted) into the {@link RtcpPacket}s Amphi understands, in wire order, and skips
 * packets of other types (APP, XR, feedback formats it does not use, application layer feedback
 * other than REMB). The reduced-size packets of RFC 5506 (feedback alone, without a leading report)
 * are accepted. Any packet that is malformed, known type or not (a version other than 2, a length
 * past the end, padding larger than the packet, a count its body cannot hold), fails the whole
 * compound with an {@link RtpFormatException} naming it.
 */
public final class Rtcp {

    private Rtcp() {
    }

    public static List<RtcpPacket> parse(byte[] compound) {
        return parse(compound, 0, compound.length);
    }

    /** Parses the readable bytes of {@code buf} without moving its indexes or releasing it. */
    public static List<RtcpPacket> parse(ByteBuf buf) {
        return parse(ByteBufUtil.getBytes(buf));
    }

    public static List<RtcpPacket> parse(byte[] compound, int offset, int length) {
        ByteReader r = new ByteReader(compound, offset, length);
        if (length == 0) {
            throw new RtpFormatException("empty RTCP packet");
        }
        List<RtcpPacket> out = new ArrayList<>();
        int index = 0;
        while (r.remaining() > 0) {
            String where = "RTCP packet " + index + " (at byte " + (r.position() - offset) + ")";
            if (r.remaining() < 4) {
                throw new RtpFormatException(where + ": header needs 4 bytes but only " + r.remaining() + " remain");
            }
            int b0 = r.u8("RTCP first byte");
            int version = b0 >>> 6;
            if (version != 2) {
                throw new RtpFormatException(where + ": version " + version + ", expected 2");
            }
            int count = b0 & 0x1f;
            int type = r.u8("RTCP packet type");
            int bodyLength = r.u16("RTCP length") * 4;
            if (bodyLength > r.remaining()) {
                throw new RtpFormatException(where + ": type " + type + " declares " + (bodyLength + 4)
                        + " bytes but only " + (r.remaining() + 4) + " remain");
            }
            ByteReader body = r.slice(bodyLength, "RTCP body");
            if ((b0 & 0x20) != 0) {
                int pad = bodyLength == 0 ? 0 : body.lastByte();
                if (pad == 0 || pad > bodyLength) {
                    throw new RtpFormatException(where + ": padding count " + pad + " does not fit its body of "
                            + bodyLength + " bytes");
                }
                body = body.head(bodyLength - pad);
            }
            try {
                RtcpPacket p = parseOne(type, count, body);
                if (p != null) {
                    out.add(p);
                }
            } catch (RtpFormatException e) {
                throw new RtpFormatException(where + ": " + e.getMessage());
            }
            index++;
        }
        return List.copyOf(out);
    }

    private static RtcpPacket parseOne(int type, int count, ByteReader body) {
        switch (type) {
            case RtcpPacket.SR:
                return SenderReport.parse(count, body);
            case RtcpPacket.RR:
                return ReceiverReport.parse(count, body);
            case RtcpPacket.SDES:
                return SourceDescription.parse(count, body);
            case RtcpPacket.BYE:
                return Bye.parse(count, body);
            case RtcpPacket.RTPFB:
                if (count == GenericNack.FMT) {
                    return GenericNack.parse(body);
                }
                return count == TransportCcFeedback.FMT ? TransportCcFeedback.parse(body) : null;
            case RtcpPacket.PSFB:
                if (count == PictureLossIndication.FMT) {
                    return PictureLossIndication.parse(body);
                }
                if (count == Remb.FMT) {
                    int sender = body.i32("feedback sender SSRC");
                    body.skip(4, "feedback media SSRC");
                    return Remb.isRemb(body) ? Remb.parse(sender, body) : null;
                }
                return null;
            default:
                return null;
        }
    }

    /** One compound packet holding {@code packets} in order. */
    public static byte[] write(List<? extends RtcpPacket> packets) {
        int size = 0;
        for (RtcpPacket p : packets) {
            size += length(p);
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (RtcpPacket p : packets) {
            int start = out.position();
            write(p, out);
            if (out.position() - start != length(p)) {
                throw new IllegalStateException("wrote " + (out.position() - start) + " bytes for " + p);
            }
        }
        return out.array();
    }

    /** One packet alone (a reduced-size RTCP packet when it is feedback). */
    public static byte[] write(RtcpPacket packet) {
        return write(List.of(packet));
    }

    private static int length(RtcpPacket p) {
        if (p instanceof SenderReport x) {
            return x.length();
        } else if (p instanceof ReceiverReport x) {
            return x.length();
        } else if (p instanceof SourceDescription x) {
            return x.length();
        } else if (p instanceof Bye x) {
            return x.length();
        } else if (p instanceof GenericNack x) {
            return x.length();
        } else if (p instanceof PictureLossIndication x) {
            return x.length();
        } else if (p instanceof Remb x) {
            return x.length();
        }
        return ((TransportCcFeedback) p).length();
    }

    private static void write(RtcpPacket p, ByteBuffer out) {
        if (p instanceof SenderReport x) {
            x.write(out);
        } else if (p instanceof ReceiverReport x) {
            x.write(out);
        } else if (p instanceof SourceDescription x) {
            x.write(out);
        } else if (p instanceof Bye x) {
            x.write(out);
        } else if (p instanceof GenericNack x) {
            x.write(out);
        } else if (p instanceof PictureLossIndication x) {
            x.write(out);
        } else if (p instanceof Remb x) {
            x.write(out);
        } else {
            ((TransportCcFeedback) p).write(out);
        }
    }

    /** The common header; {@code length} is the whole packet's in bytes (a multiple of 4). */
    static void header(ByteBuffer out, int countOrFormat, int type, int length, int padding) {
        out.put((byte) (0x80 | (padding > 0 ? 0x20 : 0) | countOrFormat));
        out.put((byte) type);
        out.putShort((short) (length / 4 - 1));
    }

    /** {@code n} bytes of padding: zeros, the last one holding the count. */
    static void padding(ByteBuffer out, int n) {
        for (int i = 1; i < n; i++) {
            out.put((byte) 0);
        }
        if (n > 0) {
            out.put((byte) n);
        }
    }

    static List<ReportBlock> blocks(List<ReportBlock> reports) {
        if (reports.size() > 31) {
            throw new IllegalArgumentException(reports.size() + " report blocks, at most 31");
        }
        return List.copyOf(reports);
    }

    static List<ReportBlock> parseBlocks(int count, ByteReader r, String kind) {
        if (count * ReportBlock.SIZE > r.remaining()) {
            throw new RtpFormatException(kind + " report count " + count + " needs " + count * ReportBlock.SIZE
                    + " bytes of report blocks but only " + r.remaining() + " remain");
        }
        List<ReportBlock> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(ReportBlock.parse(r));
        }
        return out;
    }
}
