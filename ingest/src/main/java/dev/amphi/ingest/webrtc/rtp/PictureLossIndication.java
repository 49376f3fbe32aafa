package dev.amphi.ingest.webrtc.rtp;

import java.nio.ByteBuffer;

/** A picture loss indication (RFC 4585 6.3.1, PSFB FMT 1): {@code senderSsrc} asks {@code mediaSsrc} for a keyframe. */
public record PictureLossIndication(int senderSsrc, int mediaSsrc) implements RtcpPacket {

    static final int FMT = 1;

    static PictureLossIndication parse(ByteReader r) {
        return new PictureLossIndication(r.i32("PLI sender SSRC"), r.i32("PLI media SSRC"));
    }

    int length() {
        return 12;
    }

    void write(ByteBuffer out) {
        Rtcp.header(out, FMT, PSFB, length(), 0);
        out.putInt(senderSsrc).putInt(mediaSsrc);
    }
}
