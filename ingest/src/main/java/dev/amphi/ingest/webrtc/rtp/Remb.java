package dev.amphi.ingest.webrtc.rtp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Receiver estimated maximum bitrate (draft-alvestrand-rmcat-remb; PSFB FMT 15, application layer
 * feedback starting with "REMB"): the receiver {@code senderSsrc} estimates that the streams
 * {@code ssrcs} (at most 255) together should not exceed {@code bitrate} bits per second. On the
 * wire the bitrate is an 18-bit mantissa and a 6-bit exponent, so a written bitrate above 2^18 is
 * rounded down to what those can hold.
 */
public record Remb(int senderSsrc, long bitrate, List<Integer> ssrcs) implements RtcpPacket {

    static final int FMT = 15;
    static final int IDENTIFIER = 0x52454d42; // "REMB"

    public Remb {
        if (bitrate < 0) {
            throw new IllegalArgumentException("REMB bitrate " + bitrate + " is negative");
        }
        ssrcs = List.copyOf(ssrcs);
        if (ssrcs.size() > 255) {
            throw new IllegalArgumentException(ssrcs.size() + " SSRCs in a REMB, at most 255");
        }
    }

    /** Whether the application layer feedback in {@code r} (after the two SSRCs) is a REMB. */
    static boolean isRemb(ByteReader r) {
        return r.remaining() >= 4 && r.head(4).i32("REMB identifier") == IDENTIFIER;
    }

    static Remb parse(int senderSsrc, ByteReader r) {
        r.skip(4, "REMB identifier");
        int count = r.u8("REMB SSRC count");
        int v = r.u24("REMB bitrate");
        int exp = v >>> 18;
        long mantissa = v & 0x3ffff;
        if (mantissa != 0 && Long.numberOfLeadingZeros(mantissa) <= exp) {
            throw new RtpFormatException("REMB bitrate mantissa " + mantissa + " with exponent " + exp + " overflows 63 bits");
        }
        if (count * 4 > r.remaining()) {
            throw new RtpFormatException("REMB SSRC count " + count + " needs " + count * 4 + " bytes but only "
                    + r.remaining() + " remain");
        }
        List<Integer> ssrcs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ssrcs.add(r.i32("REMB SSRC"));
        }
        return new Remb(senderSsrc, mantissa << exp, ssrcs);
    }

    int length() {
        return 4 + 8 + 8 + 4 * ssrcs.size();
    }

    void write(ByteBuffer out) {
        Rtcp.header(out, FMT, PSFB, length(), 0);
        long mantissa = bitrate;
        int exp = 0;
        while (mantissa > 0x3ffff) {
            mantissa >>>= 1;
            exp++;
        }
        out.putInt(senderSsrc).putInt(0).putInt(IDENTIFIER);
        out.putInt(ssrcs.size() << 24 | exp << 18 | (int) mantissa);
        ssrcs.forEach(out::putInt);
    }
}
