package dev.amphi.ingest.webrtc.transport;

import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * A testing aid, not a user option: decides for each datagram of the shared port whether it goes
 * through, so that tests and benchmarks can play a lossy or broken network on loopback (packet
 * loss to make NACKs and PLIs happen, a blocked peer to make it reconnect). Set with
 * {@link WebRtcTransport#filter(DatagramFilter)}; without one the port has no filtering stage and
 * nothing is paid. Called on the transport's event loop for every datagram received (before STUN,
 * DTLS or SRTP see them) and on the sending thread for the SRTP and SRTCP datagrams sent (not
 * STUN responses nor DTLS records: block a peer's inbound datagrams to cut it off); must be quick
 * and thread-safe, and must not keep {@code datagram}.
 */
@FunctionalInterface
public interface DatagramFilter {

    /** Which way a datagram goes. */
    enum Direction { INBOUND, OUTBOUND }

    /**
     * Whether {@code datagram} goes through.
     *
     * @param remote   the peer's address: the sender of an inbound datagram, the receiver of an outbound one
     * @param datagram the datagram as on the wire (STUN, DTLS, SRTP or SRTCP; RTP headers are in the clear)
     */
    boolean pass(Direction direction, InetSocketAddress remote, byte[] datagram);

    /**
     * Drops each datagram going {@code direction} for which {@code which} holds with probability
     * {@code probability} (0..1), independently of the others; everything else goes through.
     */
    static DatagramFilter loss(Direction direction, double probability, Predicate<byte[]> which) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability must be 0..1, was " + probability);
        }
        SplittableRandom seed = new SplittableRandom();
        ThreadLocal<SplittableRandom> random = ThreadLocal.withInitial(() -> {
            synchronized (seed) {
                return seed.split();
            }
        });
        return (d, remote, datagram) -> d != direction || !which.test(datagram)
                || random.get().nextDouble() >= probability;
    }

    /** Whether {@code datagram} is SRTP (RTP, not RTCP) of the dynamic payload type {@code payloadType} (96..127). */
    static boolean isRtp(byte[] datagram, int payloadType) {
        return isRtp(datagram) && (datagram[1] & 0x7f) == payloadType;
    }

    /** Whether {@code datagram} is SRTP, not SRTCP (RFC 7983 first byte, RFC 5761 second byte outside 192..223). */
    static boolean isRtp(byte[] datagram) {
        return datagram.length >= 12 && (datagram[0] & 0xc0) == 0x80
                && ((datagram[1] & 0xff) < 192 || (datagram[1] & 0xff) > 223);
    }
}
