package dev.amphi.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CodecConfigTest {

    // An avcC from x264, High profile level 3.0 (640x360), one SPS and one PPS.
    private static final byte[] AVCC = HexFormat.of().parseHex(
            "0164001effe100196764001eacd940a02ff9610000030001000003003c8f162d9601000668ebe3cb22c0");

    @Test
    void parsesAvcDecoderConfigurationRecord() {
        AvcConfig c = AvcConfig.parse(AVCC);
        assertThat(c.profile()).isEqualTo(100);
        assertThat(c.level()).isEqualTo(30);
        assertThat(c.nalLengthSize()).isEqualTo(4);
        assertThat(c.sps()).hasSize(1);
        assertThat(c.pps()).hasSize(1);
        assertThat(c.sps().get(0)[0] & 0x1f).isEqualTo(7);
        assertThat(c.pps().get(0)[0] & 0x1f).isEqualTo(8);
        assertThat(c.rfc6381()).isEqualTo("avc1.64001e");
        assertThat(c.record()).isEqualTo(AVCC);
    }

    @Test
    void rejectsTruncatedAvcRecordNamingTheProblem() {
        byte[] cut = java.util.Arrays.copyOf(AVCC, 20);
        assertThatThrownBy(() -> AvcConfig.parse(cut)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SPS");
        assertThatThrownBy(() -> AvcConfig.parse(new byte[] {2, 0, 0, 0, 0, 0, 0}))
                .hasMessageContaining("version 2");
    }

    @Test
    void parsesAudioSpecificConfig() {
        AacConfig c = AacConfig.parse(new byte[] {0x12, 0x10}); // AAC-LC 44.1 kHz stereo
        assertThat(c.objectType()).isEqualTo(2);
        assertThat(c.sampleRate()).isEqualTo(44100);
        assertThat(c.channels()).isEqualTo(2);
        assertThat(c.rfc6381()).isEqualTo("mp4a.40.2");
        assertThat(AacConfig.lc(44100, 2)).isEqualTo(c);
        assertThat(AacConfig.lc(48000, 2).record()).containsExactly(0x11, 0x90);
    }

    @Test
    void rejectsReservedAacFrequencyIndex() {
        assertThatThrownBy(() -> AacConfig.parse(new byte[] {0x16, (byte) 0x90}))
                .hasMessageContaining("frequency index 13");
        assertThatThrownBy(() -> AacConfig.parse(new byte[] {0x12})).hasMessageContaining("too short");
    }

    @Test
    void packetRejectsMismatchedConfig() {
        AacConfig aac = AacConfig.lc(48000, 2);
        assertThatThrownBy(() -> new MediaPacket(MediaKind.VIDEO, aac, 0, 0, true, new byte[0]))
                .hasMessageContaining("VIDEO packet cannot carry a AUDIO config");
        assertThat(new MediaPacket(MediaKind.AUDIO, aac, 90, 0, true, new byte[1]).pts()).isEqualTo(90);
    }

    @Test
    void buildsAvcRecordFromInBandParameterSetsWithHighProfileFields() {
        AvcConfig parsed = AvcConfig.parse(AVCC);
        AvcConfig built = AvcConfig.of(parsed.sps(), parsed.pps());
        // x264's High SPS: chroma 4:2:0, 8-bit luma and chroma, no SPS extensions
        assertThat(built.record()).isEqualTo(HexFormat.of().parseHex(HexFormat.of().formatHex(AVCC) + "fdf8f800"));
        assertThat(built.nalLengthSize()).isEqualTo(4);
        assertThat(built.rfc6381()).isEqualTo("avc1.64001e");
        byte[] baselineSps = HexFormat.of().parseHex("6742c01fd9");
        assertThat(AvcConfig.of(java.util.List.of(baselineSps), parsed.pps()).record())
                .startsWith(0x01, 0x42, 0xc0, 0x1f, 0xff, 0xe1, 0x00, 0x05);
        assertThatThrownBy(() -> AvcConfig.of(parsed.sps(), java.util.List.of())).hasMessageContaining("0 PPS");
    }

    @Test
    void vp8AndOpusConfigsValidateTheirFields() {
        assertThat(new Vp8Config(640, 360).kind()).isEqualTo(MediaKind.VIDEO);
        assertThat(new Vp8Config(640, 360).record()).isEmpty();
        assertThatThrownBy(() -> new Vp8Config(0, 360)).hasMessageContaining("was 0x360");
        assertThat(new OpusConfig(2).kind()).isEqualTo(MediaKind.AUDIO);
        assertThatThrownBy(() -> new OpusConfig(3)).hasMessageContaining("1 or 2, was 3");
    }
}
