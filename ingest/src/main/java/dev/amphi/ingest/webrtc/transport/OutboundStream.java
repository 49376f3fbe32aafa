package dev.amphi.ingest.webrtc.transport;

import dev.amphi.ingest.webrtc.codec.RtpPayload;
import dev.amphi.ingest.webrtc.rtp.RtpPacket;
import dev.amphi.ingest.webrtc.rtp.SenderReport;
import java.security.SecureRandom;
import java.util.List;

/**
 * One SSRC we send to a peer: sequence numbers and timestamps rewritten onto a random start, a
 * cache of the last {@link #CACHE} packets as protected for NACKs (plain resend, or RTX with its own
 * SSRC and sequence numbers when negotiated), and the counters of sender reports. Used under the
 * peer's send lock only.
 */
final class OutboundStream {

    static final int CACHE = 1024;
    static final long MAX_RETRANSMIT_AGE_NANOS = 1_000_000_000L;

    private record Sent(int seq, long timestamp, boolean marker, byte[] payload, byte[] protectedBytes, long sentAt) {
    }

    /** Where protected packets go. */
    interface Wire {
        byte[] protectRtp(byte[] plain);

        void send(byte[] datagram);
    }

    final int ssrc;
    final int payloadType;
    final int clockRate;
    final int rtxSsrc;
    final int rtxPayloadType;
    private final long timestampOffset;
    private final Sent[] cache = new Sent[CACHE];
    private int rtxSeq;
    long packets;
    long octets;
    long retransmits;
    private long lastTimestamp = -1;
    private long lastSentNanos;

    /** @param rtxPayloadType -1 when RTX is not negotiated */
    OutboundStream(int ssrc, int payloadType, int clockRate, int rtxSsrc, int rtxPayloadType, SecureRandom random) {
        this.ssrc = ssrc;
        this.payloadType = payloadType;
        this.clockRate = clockRate;
        this.rtxSsrc = rtxSsrc;
        this.rtxPayloadType = rtxSsrc != 0 ? rtxPayloadType : -1;
        this.timestampOffset = random.nextInt() & 0xffffffffL;
        this.rtxSeq = random.nextInt(0x8000);
    }

    /** Rewrites the payloads' timestamps by this stream's offset and sends them. */
    void send(List<RtpPayload> payloads, Wire wire, long now) {
        for (RtpPayload p : payloads) {
            long ts = (p.timestamp() + timestampOffset) & 0xffffffffL;
            byte[] plain = RtpPacket.of(p.marker(), payloadType, p.sequenceNumber(), ts, ssrc, p.payload()).write();
            byte[] wireBytes = wire.protectRtp(plain);
            cache[p.sequenceNumber() % CACHE] = new Sent(p.sequenceNumber(), ts, p.marker(), p.payload(), wireBytes, now);
            packets++;
            octets += p.payload().length;
            lastTimestamp = ts;
            lastSentNanos = now;
            wire.send(wireBytes);
        }
    }

    /** Sends again what the peer lists as lost, when still cached; returns how many were sent. */
    int retransmit(List<Integer> lost, Wire wire, long now) {
        int sent = 0;
        for (int seq : lost) {
            Sent s = cache[seq % CACHE];
            if (s == null || s.seq() != seq || now - s.sentAt() > MAX_RETRANSMIT_AGE_NANOS || sent >= 64) {
                continue;
            }
            if (rtxPayloadType >= 0) {
                byte[] payload = new byte[2 + s.payload().length];
                payload[0] = (byte) (seq >>> 8);
                payload[1] = (byte) seq;
                System.arraycopy(s.payload(), 0, payload, 2, s.payload().length);
                byte[] plain = RtpPacket.of(s.marker(), rtxPayloadType, rtxSeq, s.timestamp(), rtxSsrc, payload).write();
                rtxSeq = (rtxSeq + 1) & 0xffff;
                wire.send(wire.protectRtp(plain));
            } else {
                wire.send(s.protectedBytes());
            }
            sent++;
        }
        retransmits += sent;
        return sent;
    }

    boolean hasSent() {
        return lastTimestamp >= 0;
    }

    /** A sender report for now: the last timestamp advanced by the time since it was sent. */
    SenderReport senderReport(long ntp, long now) {
        long elapsed = Math.max(0, now - lastSentNanos);
        long ts = (lastTimestamp + elapsed * clockRate / 1_000_000_000L) & 0xffffffffL;
        return new SenderReport(ssrc, ntp, ts, packets & 0xffffffffL, octets & 0xffffffffL, List.of());
    }
}
