package dev.amphi.ingest.webrtc.rtp;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * An RTCP sender report (RFC 3550 6.4.1): the sender's SSRC, the NTP wall-clock time (64 bits) and
 * RTP timestamp of the same instant, the packets and payload octets sent so far (unsigned 32 bits),
 * and up to 31 report blocks. Profile-specific extensions after the blocks are skipped.
 */
public record SenderReport(int ssrc, long ntpTimestamp, long rtpTimestamp, long packetCount, long octetCount,
        List<ReportBlock> reports) implements RtcpPacket {

    public SenderReport {
        ReportBlock.u32("RTP timestamp", rtpTimestamp);
        ReportBlock.u32("packet count", packetCount);
        ReportBlock.u32("octet count", octetCount);
        reports = Rtcp.blocks(reports);
    }

    /** The middle 32 bits of the NTP timestamp, as a report block's {@code lastSr} quotes it. */
    public long compactNtp() {
        return (ntpTimestamp >>> 16) & 0xffffffffL;
    }

    static SenderReport parse(int count, ByteReader r) {
        int ssrc = r.i32("SR sender SSRC");
        long ntp = r.i64("SR NTP timestamp");
        long rtp = r.u32("SR RTP timestamp");
        long packets = r.u32("SR packet count");
        long octets = r.u32("SR octet count");
        return new SenderReport(ssrc, ntp, rtp, packets, octets, Rtcp.parseBlocks(count, r, "SR"));
    }

    int length() {
        return 4 + 24 + ReportBlock.SIZE * reports.size();
    }

    void write(ByteBuffer out) {
        Rtcp.header(out, reports.size(), SR, length(), 0);
        out.putInt(ssrc).putLong(ntpTimestamp).putInt((int) rtpTimestamp).putInt((int) packetCount).putInt((int) octetCount);
        reports.forEach(b -> b.write(out));
    }
}
