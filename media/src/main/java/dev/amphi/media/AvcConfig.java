package dev.amphi.media;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * H.264 decoder configuration: an AVCDecoderConfigurationRecord (ISO/IEC 14496-15, 5.3.3.1) as
 * sent in the FLV/RTMP AVC sequence header and stored in the MP4 {@code avcC} box.
 *
 * @param record        the raw record, as received
 * @param profile       AVCProfileIndication (e.g. 66 baseline, 77 main, 100 high)
 * @param compatibility profile_compatibility (the constraint flags byte)
 * @param level         AVCLevelIndication (e.g. 31 for level 3.1)
 * @param nalLengthSize bytes of the length prefix before each NAL unit: 1, 2 or 4
 * @param sps           sequence parameter set NAL units, without length prefix or start code
 * @param pps           picture parameter set NAL units, without length prefix or start code
 */
public record AvcConfig(byte[] record, int profile, int compatibility, int level, int nalLengthSize,
                        List<byte[]> sps, List<byte[]> pps) implements CodecConfig {

    public AvcConfig {
        record = record.clone();
        sps = List.copyOf(sps);
        pps = List.copyOf(pps);
        if (nalLengthSize != 1 && nalLengthSize != 2 && nalLengthSize != 4) {
            throw new IllegalArgumentException("NAL length size must be 1, 2 or 4, was " + nalLengthSize);
        }
        if (sps.isEmpty()) {
            throw new IllegalArgumentException("an AVC configuration needs at least one SPS");
        }
    }

    /**
     * Parses an AVCDecoderConfigurationRecord.
     *
     * @throws IllegalArgumentException naming what is wrong when the record is truncated or invalid
     */
    public static AvcConfig parse(byte[] record) {
        if (record.length < 7) {
            throw new IllegalArgumentException("AVC decoder configuration too short: " + record.length + " bytes");
        }
        if ((record[0] & 0xff) != 1) {
            throw new IllegalArgumentException("AVC decoder configuration version " + (record[0] & 0xff) + ", expected 1");
        }
        int profile = record[1] & 0xff;
        int compat = record[2] & 0xff;
        int level = record[3] & 0xff;
        int lengthSize = (record[4] & 0x03) + 1;
        int pos = 5;
        int numSps = record[pos++] & 0x1f;
        List<byte[]> sps = new ArrayList<>(numSps);
        for (int i = 0; i < numSps; i++) {
            pos = readParameterSet(record, pos, sps, "SPS");
        }
        if (pos >= record.length) {
            throw new IllegalArgumentException("AVC decoder configuration truncated before the PPS count");
        }
        int numPps = record[pos++] & 0xff;
        List<byte[]> pps = new ArrayList<>(numPps);
        for (int i = 0; i < numPps; i++) {
            pos = readParameterSet(record, pos, pps, "PPS");
        }
        if (sps.isEmpty()) {
            throw new IllegalArgumentException("AVC decoder configuration has no SPS");
        }
        return new AvcConfig(record, profile, compat, level, lengthSize, sps, pps);
    }

    /**
     * Builds the record (4-byte NAL lengths) from parameter sets received in band, e.g. over RTP.
     * For the high profiles (100, 110, 122, 144) the chroma format and bit depths are read from the
     * first SPS, as ISO/IEC 14496-15 requires.
     *
     * @param sps sequence parameter set NAL units (at least one), without start code or length
     * @param pps picture parameter set NAL units (at least one)
     * @throws IllegalArgumentException naming what is wrong when a set is missing or truncated
     */
    public static AvcConfig of(List<byte[]> sps, List<byte[]> pps) {
        if (sps.isEmpty() || pps.isEmpty() || sps.size() > 31 || pps.size() > 255) {
            throw new IllegalArgumentException("an AVC configuration needs 1..31 SPS and 1..255 PPS, got "
                    + sps.size() + " SPS and " + pps.size() + " PPS");
        }
        byte[] first = sps.get(0);
        if (first.length < 4) {
            throw new IllegalArgumentException("SPS too short: " + first.length + " bytes");
        }
        int profile = first[1] & 0xff;
        java.io.ByteArrayOutputStream r = new java.io.ByteArrayOutputStream();
        r.write(1);
        r.write(profile);
        r.write(first[2] & 0xff);
        r.write(first[3] & 0xff);
        r.write(0xff); // reserved 111111, lengthSizeMinusOne 3
        r.write(0xe0 | sps.size());
        sps.forEach(s -> writeParameterSet(r, s, "SPS"));
        r.write(pps.size());
        pps.forEach(p -> writeParameterSet(r, p, "PPS"));
        if (profile == 100 || profile == 110 || profile == 122 || profile == 144) {
            SpsReader br = new SpsReader(first);
            br.ue(); // seq_parameter_set_id
            int chroma = br.ue();
            if (chroma == 3) {
                br.bit(); // separate_colour_plane_flag
            }
            int lumaDepth = br.ue();
            int chromaDepth = br.ue();
            r.write(0xfc | (chroma & 3));
            r.write(0xf8 | (lumaDepth & 7));
            r.write(0xf8 | (chromaDepth & 7));
            r.write(0); // numOfSequenceParameterSetExt
        }
        return parse(r.toByteArray());
    }

    private static void writeParameterSet(java.io.ByteArrayOutputStream r, byte[] nal, String what) {
        if (nal.length == 0 || nal.length > 0xffff) {
            throw new IllegalArgumentException("a " + what + " of " + nal.length + " bytes does not fit the record");
        }
        r.write(nal.length >>> 8);
        r.write(nal.length & 0xff);
        r.write(nal, 0, nal.length);
    }

    /** Exp-Golomb reader over an SPS after its first four bytes, skipping emulation prevention bytes. */
    private static final class SpsReader {
        private final byte[] b;
        private int pos = 4;
        private int bit;
        private int zeros;

        SpsReader(byte[] sps) {
            this.b = sps;
        }

        int bit() {
            if (bit == 0 && pos < b.length && zeros >= 2 && b[pos] == 3) {
                pos++;
                zeros = 0;
            }
            if (pos >= b.length) {
                throw new IllegalArgumentException("SPS truncated at byte " + pos);
            }
            int v = (b[pos] >> (7 - bit)) & 1;
            if (++bit == 8) {
                zeros = b[pos] == 0 ? zeros + 1 : 0;
                bit = 0;
                pos++;
            }
            return v;
        }

        int ue() {
            int leading = 0;
            while (bit() == 0) {
                if (++leading > 31) {
                    throw new IllegalArgumentException("SPS has an Exp-Golomb code longer than 32 bits");
                }
            }
            int v = 0;
            for (int i = 0; i < leading; i++) {
                v = (v << 1) | bit();
            }
            return (1 << leading) - 1 + v;
        }
    }

    private static int readParameterSet(byte[] b, int pos, List<byte[]> out, String what) {
        if (pos + 2 > b.length) {
            throw new IllegalArgumentException("AVC decoder configuration truncated in " + what + " length");
        }
        int len = ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
        pos += 2;
        if (len == 0 || pos + len > b.length) {
            throw new IllegalArgumentException("AVC decoder configuration has a " + what + " of " + len
                    + " bytes with " + (b.length - pos) + " left");
        }
        out.add(Arrays.copyOfRange(b, pos, pos + len));
        return pos + len;
    }

    @Override
    public MediaKind kind() {
        return MediaKind.VIDEO;
    }

    /** {@code avc1.PPCCLL} from the first SPS (profile, constraint flags, level), as HLS players expect. */
    @Override
    public String rfc6381() {
        byte[] s = sps.get(0);
        if (s.length >= 4) {
            return String.format(Locale.ROOT, "avc1.%02x%02x%02x", s[1] & 0xff, s[2] & 0xff, s[3] & 0xff);
        }
        return String.format(Locale.ROOT, "avc1.%02x%02x%02x", profile, compatibility, level);
    }

    @Override
    public byte[] record() {
        return record.clone();
    }

    @Override
    public List<byte[]> sps() {
        List<byte[]> copy = new ArrayList<>(sps.size());
        sps.forEach(b -> copy.add(b.clone()));
        return copy;
    }

    @Override
    public List<byte[]> pps() {
        List<byte[]> copy = new ArrayList<>(pps.size());
        pps.forEach(b -> copy.add(b.clone()));
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AvcConfig c && Arrays.equals(c.record, record);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(record);
    }

    @Override
    public String toString() {
        return "AvcConfig[" + rfc6381() + ", " + sps.size() + " SPS, " + pps.size() + " PPS, nal length "
                + nalLengthSize + "]";
    }
}
