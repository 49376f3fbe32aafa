package dev.amphi.transcode.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.media.AvcConfig;
import dev.amphi.media.NalUnits;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnnexBTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** {name, Annex B stream, NAL units it holds}. */
    private static final List<Object[]> SPLITS = List.of(
            new Object[] {"four-byte start codes", "00000001 0910 00000001 65aabb", List.of("0910", "65aabb")},
            new Object[] {"three-byte start codes", "000001 6788 000001 68ce", List.of("6788", "68ce")},
            new Object[] {"trailing zero bytes dropped", "000001 41ff 0000 000001 4122", List.of("41ff", "4122")},
            new Object[] {"escaped zeros kept", "000001 65 000003 01 ff", List.of("6500000301ff")},
            new Object[] {"nothing before a start code", "ffff", List.of()});

    @Test
    void splitsAnnexBIntoNalUnits() {
        for (Object[] row : SPLITS) {
            assertThat(NalUnits.splitAnnexB(hex((String) row[1])).stream().map(AnnexBTest::hex).toList()).as((String) row[0])
                    .isEqualTo(row[2]);
        }
    }

    @Test
    void writesFourByteLengthPrefixes() {
        assertThat(hex(NalUnits.toAvcc(List.of(hex("65aabb"), hex("06"))))).isEqualTo("0000000365aabb" + "0000000106");
    }

    @Test
    void buildsAConfigurationRecordWithTheHighProfileExtension() {
        // x264 High 4:2:0 8-bit SPS (profile 100, level 1.3) and PPS
        byte[] sps = hex("6764000dacd94141fb0110000003001000000303c0f1429960");
        byte[] pps = hex("68ebe3cb22c0");
        AvcConfig c = AnnexB.config(concat(hex("00000001"), sps, hex("00000001"), pps));
        assertThat(c.profile()).isEqualTo(100);
        assertThat(c.level()).isEqualTo(13);
        assertThat(c.nalLengthSize()).isEqualTo(4);
        assertThat(c.sps()).hasSize(1);
        assertThat(hex(c.sps().get(0))).isEqualTo(hex(sps));
        assertThat(hex(c.pps().get(0))).isEqualTo(hex(pps));
        byte[] r = c.record();
        // chroma_format 1 (4:2:0), luma and chroma bit depth 8, no SPS extensions
        assertThat(hex(java.util.Arrays.copyOfRange(r, r.length - 4, r.length))).isEqualTo("fdf8f800");
        assertThat(c.rfc6381()).isEqualTo("avc1.64000d");
    }

    @Test
    void refusesExtradataWithoutParameterSets() {
        assertThatThrownBy(() -> AnnexB.config(hex("00000001 6788"))).hasMessageContaining("1 SPS and 0 PPS");
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }
}
