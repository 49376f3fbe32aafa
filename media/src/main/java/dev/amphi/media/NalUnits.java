package dev.amphi.media;

import java.util.ArrayList;
import java.util.List;

/**
 * H.264 NAL unit framing: AVCC (length-prefixed, as in {@link MediaPacket}) and Annex B (start
 * codes, as encoders write and FFmpeg reads raw streams). Shared by ingest's RTP payloads and
 * transcode's encoders.
 */
public final class NalUnits {

    /** NAL unit types: an IDR slice, SEI, sequence and picture parameter sets, access unit delimiter. */
    public static final int IDR = 5;
    public static final int SEI = 6;
    public static final int SPS = 7;
    public static final int PPS = 8;
    public static final int AUD = 9;

    private NalUnits() {
    }

    /** The NAL unit type (low five bits of the header byte). */
    public static int type(byte[] nal) {
        return nal[0] & 0x1f;
    }

    /**
     * Splits AVCC data.
     *
     * @throws IllegalArgumentException when a length runs past the end or is zero
     */
    public static List<byte[]> splitAvcc(byte[] data, int lengthSize) {
        List<byte[]> nals = new ArrayList<>();
        int pos = 0;
        while (pos < data.length) {
            if (pos + lengthSize > data.length) {
                throw new IllegalArgumentException("AVCC data truncated in a NAL length at byte " + pos);
            }
            long len = 0;
            for (int i = 0; i < lengthSize; i++) {
                len = (len << 8) | (data[pos + i] & 0xff);
            }
            pos += lengthSize;
            if (len == 0 || len > data.length - pos) {
                throw new IllegalArgumentException("AVCC NAL unit of " + len + " bytes at byte " + pos + " with "
                        + (data.length - pos) + " left");
            }
            byte[] nal = new byte[(int) len];
            System.arraycopy(data, pos, nal, 0, nal.length);
            nals.add(nal);
            pos += nal.length;
        }
        return nals;
    }

    /** Splits an Annex B byte stream ({@code 00 00 01} / {@code 00 00 00 01} start codes); trailing zeros dropped. */
    public static List<byte[]> splitAnnexB(byte[] b) {
        List<byte[]> nals = new ArrayList<>();
        int start = nextStartCode(b, 0);
        while (start >= 0) {
            int from = start + 3;
            int next = nextStartCode(b, from);
            int end = next < 0 ? b.length : next;
            while (end > from && b[end - 1] == 0) {
                end--;
            }
            if (end > from) {
                byte[] nal = new byte[end - from];
                System.arraycopy(b, from, nal, 0, nal.length);
                nals.add(nal);
            }
            start = next;
        }
        return nals;
    }

    private static int nextStartCode(byte[] b, int from) {
        for (int i = from; i + 2 < b.length; i++) {
            if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
                return i;
            }
        }
        return -1;
    }

    /** The NAL units, each prefixed with its length in four bytes. */
    public static byte[] toAvcc(List<byte[]> nals) {
        return join(nals, false);
    }

    /** The NAL units, each preceded by a four-byte start code. */
    public static byte[] toAnnexB(List<byte[]> nals) {
        return join(nals, true);
    }

    private static byte[] join(List<byte[]> nals, boolean startCodes) {
        int size = 0;
        for (byte[] n : nals) {
            size += 4 + n.length;
        }
        byte[] out = new byte[size];
        int pos = 0;
        for (byte[] n : nals) {
            int len = startCodes ? 1 : n.length;
            out[pos] = (byte) (len >>> 24);
            out[pos + 1] = (byte) (len >>> 16);
            out[pos + 2] = (byte) (len >>> 8);
            out[pos + 3] = (byte) len;
            System.arraycopy(n, 0, out, pos + 4, n.length);
            pos += 4 + n.length;
        }
        return out;
    }
}
