package dev.amphi.ingest.webrtc.rtp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A generic NACK (RFC 4585 6.2.1, RTPFB FMT 1): {@code senderSsrc} reports the RTP packets
 * {@code lost} (sequence numbers) of {@code mediaSsrc}. On the wire each FCI entry holds a packet id
 * (PID) and a bitmask (BLP) of the 16 packets after it; {@link #parse} expands them in entry order,
 * and {@link #write} packs the list in the order given, starting a new entry at each number that is
 * not 1..16 after the current PID, so a list in ascending (wrap-aware) order without duplicates
 * comes back unchanged.
 */
public record GenericNack(int senderSsrc, int mediaSsrc, List<Integer> lost) implements RtcpPacket {

    static final int FMT = 1;

    public GenericNack {
        lost = List.copyOf(lost);
        if (lost.isEmpty()) {
            throw new IllegalArgumentException("a NACK names at least one lost packet");
        }
        for (int s : lost) {
            if (s < 0 || s > 0xffff) {
                throw new IllegalArgumentException("lost sequence number " + s + " outside 0..65535");
            }
        }
    }

    static GenericNack parse(ByteReader r) {
        int sender = r.i32("NACK sender SSRC");
        int media = r.i32("NACK media SSRC");
        if (r.remaining() == 0 || r.remaining() % 4 != 0) {
            throw new RtpFormatException("NACK FCI of " + r.remaining() + " bytes is not one or more 4-byte entries");
        }
        List<Integer> lost = new ArrayList<>();
        while (r.remaining() > 0) {
            int pid = r.u16("NACK PID");
            int blp = r.u16("NACK BLP");
            lost.add(pid);
            for (int bit = 0; bit < 16; bit++) {
                if ((blp & (1 << bit)) != 0) {
                    lost.add((pid + bit + 1) & 0xffff);
                }
            }
        }
        return new GenericNack(sender, media, lost);
    }

    /** The FCI entries as {@code pid << 16 | blp}. */
    int[] entries() {
        int[] out = new int[lost.size()];
        int n = 0;
        int pid = -1;
        int blp = 0;
        for (int s : lost) {
            int d = pid < 0 ? 0 : (s - pid) & 0xffff;
            if (pid >= 0 && d >= 1 && d <= 16) {
                blp |= 1 << (d - 1);
            } else if (pid < 0 || d != 0) {
                if (pid >= 0) {
                    out[n++] = pid << 16 | blp;
                }
                pid = s;
                blp = 0;
            }
        }
        out[n++] = pid << 16 | blp;
        return java.util.Arrays.copyOf(out, n);
    }

    int length() {
        return 12 + 4 * entries().length;
    }

    void write(ByteBuffer out) {
        int[] entries = entries();
        Rtcp.header(out, FMT, RTPFB, 12 + 4 * entries.length, 0);
        out.putInt(senderSsrc).putInt(mediaSsrc);
        for (int e : entries) {
            out.putInt(e);
        }
    }
}
