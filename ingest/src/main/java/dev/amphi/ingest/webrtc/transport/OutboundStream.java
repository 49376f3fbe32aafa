package dev.amphi.ingest.webrtc.transport;

import dev.amphi.ingest.webrtc.codec.RtpPayload;
import dev.amphi.ingest.webrtc.rtp.RtpPacket;
import dev.amphi.ingest.webrtc.rtp.SenderReport;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One SSRC we send to a peer: sequence numbers and timestamps rewritten onto a random start, a
 * cache of the packets of about the last second for NACKs (with RTX negotiated the payload, which
 * the peers of one program frame share, is kept and resent under the RTX SSRC; without it the
 * protected bytes are kept and resent as they were), and the counters of sender reports.
 *
 * <p>Threads: {@link #send} runs under the peer's send lock (the media's threads);
 * {@link #retransmit} under the peer's I/O lock (the event loop answering a NACK, with its own
 * SRTP context for RTX), so the event loop never waits for a media thread. What the event loop
 * reads of the sending side is published safely: cache entries are immutable, the counters of
 * sender reports one volatile snapshot.
 */
final class OutboundStream {

    /**
     * Packets kept for NACKs: 512 covers a second of a 720p stream at 2.5 Mbit/s (about 280
     * packets a second) and several of the 360p one. A cache of many seconds only keeps memory
     * the heap's collector then copies around: older packets are not resent anyway.
     */
    static final int VIDEO_CACHE = 512;
    /** Packets kept for audio NACKs (50 a second). */
    static final int AUDIO_CACHE = 128;
    static final long MAX_RETRANSMIT_AGE_NANOS = 1_000_000_000L;
    /** A packet is resent at most once per this interval, however often it is asked for (libwebrtc: once per RTT). */
    static final long MIN_RESEND_INTERVAL_NANOS = 30_000_000L;

    /** One cached packet: {@code bytes} is the payload with RTX, else the packet as protected. */
    private record Sent(int seq, long timestamp, boolean marker, byte[] bytes, long sentAt) {
    }

    /** What sender reports need, as of the last packet sent. */
    private record Progress(long lastTimestamp, long lastSentNanos, long packets, long octets) {
    }

    /** Where protected packets go. */
    interface Wire {
        byte[] protectRtp(byte[] plain);

        /** Sends the datagrams, in order, in one go. */
        void send(List<byte[]> datagrams);
    }

    final int ssrc;
    final int payloadType;
    final int clockRate;
    final int rtxSsrc;
    final int rtxPayloadType;
    private final long timestampOffset;
    private final int cacheSize;
    private final AtomicReferenceArray<Sent> cache;
    /** The sequence number each cache slot last resent, and when (I/O lock). */
    private final int[] resentSeq;
    private final long[] resentAt;
    private int rtxSeq; // I/O lock
    private long packets; // send lock
    private long octets; // send lock
    private volatile long retransmits; // written under the I/O lock
    private volatile Progress progress;

    /**
     * @param cacheSize      packets kept for NACKs ({@link #VIDEO_CACHE}, {@link #AUDIO_CACHE}); a divisor of 65536
     * @param rtxPayloadType -1 when RTX is not negotiated
     */
    OutboundStream(int ssrc, int payloadType, int clockRate, int rtxSsrc, int rtxPayloadType, int cacheSize,
            SecureRandom random) {
        if (cacheSize < 1 || 65536 % cacheSize != 0) {
            throw new IllegalArgumentException("cache size must divide 65536, was " + cacheSize);
        }
        this.cacheSize = cacheSize;
        this.cache = new AtomicReferenceArray<>(cacheSize);
        this.resentSeq = new int[cacheSize];
        this.resentAt = new long[cacheSize];
        this.ssrc = ssrc;
        this.payloadType = payloadType;
        this.clockRate = clockRate;
        this.rtxSsrc = rtxSsrc;
        this.rtxPayloadType = rtxSsrc != 0 ? rtxPayloadType : -1;
        this.timestampOffset = random.nextInt() & 0xffffffffL;
        this.rtxSeq = random.nextInt(0x8000);
        Arrays.fill(resentSeq, -1);
    }

    /** Rewrites the payloads' timestamps by this stream's offset and sends them. */
    void send(List<RtpPayload> payloads, Wire wire, long now) {
        if (payloads.isEmpty()) {
            return;
        }
        List<byte[]> out = new ArrayList<>(payloads.size());
        long ts = 0;
        for (RtpPayload p : payloads) {
            ts = (p.timestamp() + timestampOffset) & 0xffffffffL;
            byte[] plain = RtpPacket.write(p.marker(), payloadType, p.sequenceNumber(), ts, ssrc, p.payload());
            byte[] wireBytes = wire.protectRtp(plain);
            cache.set(p.sequenceNumber() % cacheSize, new Sent(p.sequenceNumber(), ts, p.marker(),
                    rtxPayloadType >= 0 ? p.payload() : wireBytes, now));
            packets++;
            octets += p.payload().length;
            out.add(wireBytes);
        }
        progress = new Progress(ts, now, packets, octets);
        wire.send(out);
    }

    /**
     * Sends again what the peer lists as lost, when still cached and not resent in the last
     * {@link #MIN_RESEND_INTERVAL_NANOS} (a NACK repeated before the first resend could arrive
     * must not double the traffic); returns how many were sent.
     */
    int retransmit(List<Integer> lost, Wire wire, long now) {
        List<byte[]> out = new ArrayList<>();
        for (int seq : lost) {
            int slot = seq % cacheSize;
            Sent s = cache.get(slot);
            if (s == null || s.seq() != seq || now - s.sentAt() > MAX_RETRANSMIT_AGE_NANOS || out.size() >= 64
                    || resentSeq[slot] == seq && now - resentAt[slot] < MIN_RESEND_INTERVAL_NANOS) {
                continue;
            }
            resentSeq[slot] = seq;
            resentAt[slot] = now;
            if (rtxPayloadType >= 0) {
                byte[] payload = new byte[2 + s.bytes().length];
                payload[0] = (byte) (seq >>> 8);
                payload[1] = (byte) seq;
                System.arraycopy(s.bytes(), 0, payload, 2, s.bytes().length);
                byte[] plain = RtpPacket.write(s.marker(), rtxPayloadType, rtxSeq, s.timestamp(), rtxSsrc, payload);
                rtxSeq = (rtxSeq + 1) & 0xffff;
                out.add(wire.protectRtp(plain));
            } else {
                out.add(s.bytes());
            }
        }
        if (!out.isEmpty()) {
            retransmits += out.size();
            wire.send(out);
        }
        return out.size();
    }

    /** Packets resent so far. */
    long retransmits() {
        return retransmits;
    }

    boolean hasSent() {
        return progress != null;
    }

    /** A sender report for now: the last timestamp advanced by the time since it was sent; call when {@link #hasSent}. */
    SenderReport senderReport(long ntp, long now) {
        Progress p = progress;
        long elapsed = Math.max(0, now - p.lastSentNanos());
        long ts = (p.lastTimestamp() + elapsed * clockRate / 1_000_000_000L) & 0xffffffffL;
        return new SenderReport(ssrc, ntp, ts, p.packets() & 0xffffffffL, p.octets() & 0xffffffffL, List.of());
    }
}
