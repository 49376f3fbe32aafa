package dev.amphi.ingest.webrtc.rtp;

import java.nio.ByteBuffer;

/**
 * A reception report block of an SR or RR (RFC 3550 6.4.1) about source {@code ssrc}:
 * {@code fractionLost} (0..255, lost/expected since the previous report in 1/256),
 * {@code cumulativeLost} (signed 24 bits; negative when duplicates outnumber losses), the extended
 * highest sequence number received, the interarrival {@code jitter} in timestamp units, {@code lastSr}
 * (the middle 32 bits of the last SR's NTP timestamp, 0 when none came) and
 * {@code delaySinceLastSr} (in 1/65536 s). The 32-bit fields are unsigned, held in {@code long}s.
 */
public record ReportBlock(int ssrc, int fractionLost, int cumulativeLost, long extendedHighestSequence, long jitter,
        long lastSr, long delaySinceLastSr) {

    static final int SIZE = 24;

    public ReportBlock {
        if (fractionLost < 0 || fractionLost > 255) {
            throw new IllegalArgumentException("fraction lost " + fractionLost + " outside 0..255");
        }
        if (cumulativeLost < -0x800000 || cumulativeLost > 0x7fffff) {
            throw new IllegalArgumentException("cumulative lost " + cumulativeLost + " outside signed 24 bits");
        }
        u32("extended highest sequence number", extendedHighestSequence);
        u32("jitter", jitter);
        u32("last SR", lastSr);
        u32("delay since last SR", delaySinceLastSr);
    }

    static void u32(String what, long v) {
        if (v < 0 || v > 0xffffffffL) {
            throw new IllegalArgumentException(what + " " + v + " outside 0..2^32-1");
        }
    }

    static ReportBlock parse(ByteReader r) {
        int ssrc = r.i32("report block SSRC");
        int fraction = r.u8("report block fraction lost");
        int lost = r.u24("report block cumulative lost");
        lost = (lost << 8) >> 8; // sign-extend 24 bits
        return new ReportBlock(ssrc, fraction, lost, r.u32("report block highest sequence"), r.u32("report block jitter"),
                r.u32("report block last SR"), r.u32("report block delay since last SR"));
    }

    void write(ByteBuffer out) {
        out.putInt(ssrc);
        out.putInt(fractionLost << 24 | (cumulativeLost & 0xffffff));
        out.putInt((int) extendedHighestSequence);
        out.putInt((int) jitter);
        out.putInt((int) lastSr);
        out.putInt((int) delaySinceLastSr);
    }
}
