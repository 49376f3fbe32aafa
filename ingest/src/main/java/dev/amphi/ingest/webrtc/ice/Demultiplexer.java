package dev.amphi.ingest.webrtc.ice;

import io.netty.buffer.ByteBuf;

/**
 * Sorts the datagrams arriving on the shared WebRTC port by their first byte (RFC 7983 section 7):
 * 0..3 STUN, 20..63 DTLS, 128..191 RTP or RTCP, which RTCP's packet types 192..223 in the second
 * byte tell apart (RFC 5761 section 4); everything else (ZRTP 16..19, TURN channels 64..79, and
 * the unassigned ranges) is dropped. Only the class is decided here: each layer still validates
 * the whole datagram. Stateless.
 */
public final class Demultiplexer {

    /** What a datagram on the shared port carries. */
    public enum Kind {
        STUN, DTLS, RTP, RTCP, DROP
    }

    private Demultiplexer() {
    }

    public static Kind classify(byte[] datagram) {
        return classify(datagram.length, datagram.length > 0 ? datagram[0] & 0xFF : -1,
                datagram.length > 1 ? datagram[1] & 0xFF : -1);
    }

    /** Classifies the readable bytes of {@code datagram} without moving its indexes. */
    public static Kind classify(ByteBuf datagram) {
        int n = datagram.readableBytes();
        int at = datagram.readerIndex();
        return classify(n, n > 0 ? datagram.getUnsignedByte(at) : -1, n > 1 ? datagram.getUnsignedByte(at + 1) : -1);
    }

    private static Kind classify(int length, int first, int second) {
        if (first < 0) {
            return Kind.DROP;
        }
        if (first <= 3) {
            return length >= StunMessage.HEADER_BYTES ? Kind.STUN : Kind.DROP;
        }
        if (first >= 20 && first <= 63) {
            return Kind.DTLS;
        }
        if (first >= 128 && first <= 191) {
            if (second < 0) {
                return Kind.DROP;
            }
            return second >= 192 && second <= 223 ? Kind.RTCP : Kind.RTP;
        }
        return Kind.DROP;
    }
}
