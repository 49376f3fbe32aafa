package dev.amphi.transcode.encode;

import dev.amphi.media.AvcConfig;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * H.264 byte-stream helpers: splits Annex B (start-code delimited) NAL units, writes them as AVCC
 * (4-byte length prefixed, as {@link dev.amphi.media.MediaPacket} carries them) and builds an
 * AVCDecoderConfigurationRecord (ISO/IEC 14496-15, 5.3.3.1) from SPS and PPS.
 */
final class AnnexB {

    static final int NAL_IDR = 5;
    static final int NAL_SEI = 6;
    static final int NAL_SPS = 7;
    static final int NAL_PPS = 8;
    static final int NAL_AUD = 9;

    private AnnexB() {
    }

    /** The NAL units of an Annex B byte stream, without start codes or trailing zero bytes. */
    static List<byte[]> split(byte[] b) {
        List<byte[]> nals = new ArrayList<>();
        int start = nextStart(b, 0);
        while (start >= 0) {
            int payload = start + 3;
            int next = nextStart(b, payload);
            int end = next < 0 ? b.length : next;
            while (end > payload && b[end - 1] == 0) {
                end--;
            }
            if (end > payload) {
                byte[] nal = new byte[end - payload];
                System.arraycopy(b, payload, nal, 0, nal.length);
                nals.add(nal);
            }
            start = next;
        }
        return nals;
    }

    /** Index of the next {@code 00 00 01} at or after {@code from}, or -1. */
    private static int nextStart(byte[] b, int from) {
        for (int i = from; i + 2 < b.length; i++) {
            if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
                return i;
            }
        }
        return -1;
    }

    static int type(byte[] nal) {
        return nal[0] & 0x1f;
    }

    /** The NAL units, each prefixed with its length in 4 bytes. */
    static byte[] toAvcc(List<byte[]> nals) {
        int size = 0;
        for (byte[] n : nals) {
            size += 4 + n.length;
        }
        byte[] out = new byte[size];
        int pos = 0;
        for (byte[] n : nals) {
            out[pos] = (byte) (n.length >>> 24);
            out[pos + 1] = (byte) (n.length >>> 16);
            out[pos + 2] = (byte) (n.length >>> 8);
            out[pos + 3] = (byte) n.length;
            System.arraycopy(n, 0, out, pos + 4, n.length);
            pos += 4 + n.length;
        }
        return out;
    }

    /**
     * Builds the decoder configuration (4-byte NAL lengths) from an encoder's Annex B extradata,
     * which must hold at least one SPS and one PPS.
     */
    static AvcConfig config(byte[] annexBExtradata) {
        List<byte[]> sps = new ArrayList<>();
        List<byte[]> pps = new ArrayList<>();
        for (byte[] nal : split(annexBExtradata)) {
            if (type(nal) == NAL_SPS) {
                sps.add(nal);
            } else if (type(nal) == NAL_PPS) {
                pps.add(nal);
            }
        }
        return config(sps, pps);
    }

    static AvcConfig config(List<byte[]> sps, List<byte[]> pps) {
        if (sps.isEmpty() || pps.isEmpty()) {
            throw new IllegalArgumentException("encoder extradata holds " + sps.size() + " SPS and " + pps.size()
                    + " PPS; both are needed");
        }
        byte[] first = sps.get(0);
        if (first.length < 4) {
            throw new IllegalArgumentException("SPS too short: " + first.length + " bytes");
        }
        int profile = first[1] & 0xff;
        ByteArrayOutputStream r = new ByteArrayOutputStream();
        r.write(1);
        r.write(profile);
        r.write(first[2] & 0xff);
        r.write(first[3] & 0xff);
        r.write(0xfc | 3); // reserved 111111 + lengthSizeMinusOne = 3
        r.write(0xe0 | sps.size());
        for (byte[] s : sps) {
            writeSet(r, s);
        }
        r.write(pps.size());
        for (byte[] p : pps) {
            writeSet(r, p);
        }
        if (profile == 100 || profile == 110 || profile == 122 || profile == 144) {
            int[] ext = highProfileFields(first);
            r.write(0xfc | ext[0]); // reserved 111111 + chroma_format
            r.write(0xf8 | ext[1]); // reserved 11111 + bit_depth_luma_minus8
            r.write(0xf8 | ext[2]); // reserved 11111 + bit_depth_chroma_minus8
            r.write(0); // numOfSequenceParameterSetExt
        }
        return AvcConfig.parse(r.toByteArray());
    }

    private static void writeSet(ByteArrayOutputStream r, byte[] nal) {
        r.write(nal.length >>> 8);
        r.write(nal.length & 0xff);
        r.write(nal, 0, nal.length);
    }

    /** chroma_format_idc, bit_depth_luma_minus8, bit_depth_chroma_minus8 of a high-profile SPS. */
    static int[] highProfileFields(byte[] sps) {
        BitReader br = new BitReader(unescape(sps), 4); // NAL header, profile, constraints, level
        br.ue(); // seq_parameter_set_id
        int chroma = br.ue();
        if (chroma == 3) {
            br.bit(); // separate_colour_plane_flag
        }
        int lumaDepth = br.ue();
        int chromaDepth = br.ue();
        return new int[] {chroma & 3, lumaDepth & 7, chromaDepth & 7};
    }

    /** Removes emulation prevention bytes ({@code 00 00 03} → {@code 00 00}). */
    static byte[] unescape(byte[] nal) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(nal.length);
        int zeros = 0;
        for (byte value : nal) {
            if (zeros >= 2 && value == 3) {
                zeros = 0;
                continue;
            }
            out.write(value);
            zeros = value == 0 ? zeros + 1 : 0;
        }
        return out.toByteArray();
    }

    private static final class BitReader {
        private final byte[] b;
        private int bit;

        BitReader(byte[] b, int byteOffset) {
            this.b = b;
            this.bit = byteOffset * 8;
        }

        int bit() {
            int index = bit >> 3;
            if (index >= b.length) {
                throw new IllegalArgumentException("SPS truncated at bit " + bit);
            }
            int v = (b[index] >> (7 - (bit & 7))) & 1;
            bit++;
            return v;
        }

        int ue() {
            int zeros = 0;
            while (bit() == 0) {
                if (++zeros > 31) {
                    throw new IllegalArgumentException("SPS has an invalid Exp-Golomb code at bit " + bit);
                }
            }
            int v = 0;
            for (int i = 0; i < zeros; i++) {
                v = (v << 1) | bit();
            }
            return (1 << zeros) - 1 + v;
        }
    }
}
