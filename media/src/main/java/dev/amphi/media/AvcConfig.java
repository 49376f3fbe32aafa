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
