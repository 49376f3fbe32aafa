package dev.amphi.ingest.webrtc.rtp;

import java.nio.ByteBuffer;
import java.util.List;

/** An RTCP receiver report (RFC 3550 6.4.2): the reporter's SSRC and up to 31 report blocks. */
public record ReceiverReport(int ssrc, List<ReportBlock> reports) implements RtcpPacket {

    public ReceiverReport {
        reports = Rtcp.blocks(reports);
    }

    static ReceiverReport parse(int count, ByteReader r) {
        return new ReceiverReport(r.i32("RR sender SSRC"), Rtcp.parseBlocks(count, r, "RR"));
    }

    int length() {
        return 8 + ReportBlock.SIZE * reports.size();
    }

    void write(ByteBuffer out) {
        Rtcp.header(out, reports.size(), RR, length(), 0);
        out.putInt(ssrc);
        reports.forEach(b -> b.write(out));
    }
}
