package dev.amphi.ingest.webrtc.rtp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** An RTCP BYE (RFC 3550 6.6): up to 31 sources leaving, and a reason ({@code ""} when none is given). */
public record Bye(List<Integer> ssrcs, String reason) implements RtcpPacket {

    public Bye {
        ssrcs = List.copyOf(ssrcs);
        if (ssrcs.size() > 31) {
            throw new IllegalArgumentException(ssrcs.size() + " SSRCs in a BYE, at most 31");
        }
        if (reason.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("BYE reason is over 255 UTF-8 bytes");
        }
    }

    static Bye parse(int count, ByteReader r) {
        if (count * 4 > r.remaining()) {
            throw new RtpFormatException("BYE source count " + count + " needs " + count * 4 + " bytes but only "
                    + r.remaining() + " remain");
        }
        List<Integer> ssrcs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ssrcs.add(r.i32("BYE SSRC"));
        }
        String reason = "";
        if (r.remaining() > 0) {
            int len = r.u8("BYE reason length");
            if (len > r.remaining()) {
                throw new RtpFormatException("BYE reason declares " + len + " bytes but only " + r.remaining() + " remain");
            }
            reason = r.utf8(len, "BYE reason");
        }
        return new Bye(ssrcs, reason);
    }

    int length() {
        int reasonBytes = reason.isEmpty() ? 0 : 1 + reason.getBytes(StandardCharsets.UTF_8).length;
        return 4 + 4 * ssrcs.size() + (reasonBytes + 3) / 4 * 4;
    }

    void write(ByteBuffer out) {
        int end = out.position() + length();
        Rtcp.header(out, ssrcs.size(), BYE, length(), 0);
        ssrcs.forEach(out::putInt);
        if (!reason.isEmpty()) {
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            out.put((byte) text.length).put(text);
        }
        while (out.position() < end) {
            out.put((byte) 0);
        }
    }
}
