package dev.amphi.ingest.webrtc.dtls;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SRTP and SRTCP for one DTLS-SRTP association: packets this side sends are protected with its
 * own master key, packets from the peer are checked and decrypted with the peer's.
 *
 * <p>A packet that fails authentication, is replayed (or older than the 128-packet window), is
 * not (S)RTP, or would open a stream beyond {@code maxStreams} SSRCs is dropped: the
 * {@code unprotect} methods return {@code null} and count it in {@link #stats()}; the first
 * authentication failure of a session is logged at WARN, the rest at debug. Nothing is thrown
 * for bad input.
 *
 * <p>Threads: the sending methods ({@code protect*}) are used by one thread at a time, the
 * receiving ones ({@code unprotect*}) by one thread at a time; the two directions are independent.
 * With the GCM profile the same packet (same SSRC and sequence number) must not be protected
 * twice: a retransmission resends the bytes already protected.
 */
public final class SrtpSession {

    private static final Logger LOG = LoggerFactory.getLogger(SrtpSession.class);

    /** SSRCs per direction: a browser sends a handful (audio, video, RTX, a screen share). */
    public static final int DEFAULT_MAX_STREAMS = 64;

    private final SrtpProfile profile;
    private final SrtpContext outbound;
    private final SrtpContext inbound;
    /** Builds another sending context with this side's keys (see {@link #withOwnSender}). */
    private final Supplier<SrtpContext> outboundFactory;
    private final LongAdder authFailures = new LongAdder();
    private final LongAdder replays = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder tooManyStreams = new LongAdder();
    private final AtomicBoolean authFailureLogged = new AtomicBoolean();

    /**
     * Drop counters of the receiving side.
     *
     * @param authFailures packets whose tag did not verify (tampered, or keyed for someone else)
     * @param replays packets seen before or older than the replay window
     * @param malformed packets too short or not (S)RTP/(S)RTCP, or SRTCP sent unencrypted
     * @param tooManyStreams packets of a new SSRC beyond the limit
     */
    public record Stats(long authFailures, long replays, long malformed, long tooManyStreams) {
        public Stats {
            if (authFailures < 0 || replays < 0 || malformed < 0 || tooManyStreams < 0) {
                throw new IllegalArgumentException("counters cannot be negative");
            }
        }
    }

    private SrtpSession(SrtpProfile profile, Supplier<SrtpContext> outboundFactory,
            SrtpContext inbound) {
        this.profile = profile;
        this.outboundFactory = outboundFactory;
        this.outbound = outboundFactory.get();
        this.inbound = inbound;
    }

    private SrtpSession(SrtpSession shared) {
        this.profile = shared.profile;
        this.outboundFactory = shared.outboundFactory;
        this.outbound = outboundFactory.get();
        this.inbound = shared.inbound;
    }

    /**
     * A session for a second sending thread: the same keys, but its own ciphers and per-SSRC sending
     * state, so the two threads never wait for each other. Only its {@code protect} methods are
     * meant to be used (receive through this session, whose drop counters are the ones that
     * count). Each SSRC (and SRTCP) must be protected through one of them only, or its rollover
     * counter and SRTCP index would be counted twice.
     */
    public SrtpSession withOwnSender() {
        return new SrtpSession(this);
    }

    /**
     * The session of one side of the association.
     *
     * @param keys the keys both sides derived
     * @param localIsDtlsClient whether this side was the DTLS client (it then sends with the client key)
     */
    public static SrtpSession create(SrtpKeys keys, boolean localIsDtlsClient) {
        return create(keys, localIsDtlsClient, DEFAULT_MAX_STREAMS);
    }

    /** As {@link #create(SrtpKeys, boolean)}, with at most {@code maxStreams} SSRCs per direction (1..65536). */
    public static SrtpSession create(SrtpKeys keys, boolean localIsDtlsClient, int maxStreams) {
        Objects.requireNonNull(keys, "keys");
        if (maxStreams < 1 || maxStreams > 65_536) {
            throw new IllegalArgumentException("maxStreams must be 1..65536, got " + maxStreams);
        }
        SrtpProfile p = keys.profile();
        Supplier<SrtpContext> client = () -> new SrtpContext(p, keys.clientKey(), keys.clientSalt(), maxStreams);
        Supplier<SrtpContext> server = () -> new SrtpContext(p, keys.serverKey(), keys.serverSalt(), maxStreams);
        return localIsDtlsClient ? new SrtpSession(p, client, server.get()) : new SrtpSession(p, server, client.get());
    }

    /** The negotiated protection profile. */
    public SrtpProfile profile() {
        return profile;
    }

    /**
     * Protects an RTP packet for sending.
     *
     * @return the SRTP packet ({@link SrtpProfile#tagLength()} bytes longer)
     * @throws IllegalArgumentException when the bytes are not an RTP packet or open one SSRC too many
     */
    public byte[] protectRtp(byte[] packet, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, packet.length);
        byte[] out = outbound.protectRtp(packet, offset, length);
        if (out == null) {
            throw new IllegalArgumentException("not an RTP packet (" + length + " bytes) or more than the allowed SSRCs");
        }
        return out;
    }

    /**
     * Protects an RTCP compound packet for sending (encrypted, with its SRTCP index).
     *
     * @throws IllegalArgumentException when the bytes are not an RTCP packet or open one SSRC too many
     */
    public byte[] protectRtcp(byte[] packet, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, packet.length);
        byte[] out = outbound.protectRtcp(packet, offset, length);
        if (out == null) {
            throw new IllegalArgumentException("not an RTCP packet (" + length + " bytes) or more than the allowed SSRCs");
        }
        return out;
    }

    /** The RTP packet inside an SRTP packet from the peer, or {@code null} when it is dropped (counted). */
    public byte[] unprotectRtp(byte[] packet, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, packet.length);
        byte[][] result = new byte[1][];
        return counted(inbound.unprotectRtp(packet, offset, length, result), result[0], "SRTP");
    }

    /** The RTCP packet inside an SRTCP packet from the peer, or {@code null} when it is dropped (counted). */
    public byte[] unprotectRtcp(byte[] packet, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, packet.length);
        byte[][] result = new byte[1][];
        return counted(inbound.unprotectRtcp(packet, offset, length, result), result[0], "SRTCP");
    }

    /** What the receiving side dropped so far. */
    public Stats stats() {
        return new Stats(authFailures.sum(), replays.sum(), malformed.sum(), tooManyStreams.sum());
    }

    private byte[] counted(SrtpContext.Outcome outcome, byte[] packet, String kind) {
        switch (outcome) {
            case OK:
                return packet;
            case AUTH_FAILED:
                authFailures.increment();
                if (authFailureLogged.compareAndSet(false, true)) {
                    LOG.warn("{} packet failed authentication ({}): dropped; further failures of this session are"
                            + " counted and logged at debug", kind, profile);
                } else {
                    LOG.debug("{} packet failed authentication: dropped", kind);
                }
                return null;
            case REPLAYED:
                replays.increment();
                return null;
            case TOO_MANY_STREAMS:
                tooManyStreams.increment();
                return null;
            default:
                malformed.increment();
                return null;
        }
    }
}
