package dev.amphi.transcode.audio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AudioPacketsTest {

    @Test
    void anOpusPacketsLengthComesFromItsTocByte() {
        assertThat(AudioPackets.opusFrames(new byte[] {(byte) (1 << 3), 0})).as("SILK 20 ms").isEqualTo(960);
        assertThat(AudioPackets.opusFrames(new byte[] {(byte) (3 << 3), 0})).as("SILK 60 ms").isEqualTo(2880);
        assertThat(AudioPackets.opusFrames(new byte[] {(byte) (13 << 3), 0})).as("hybrid 20 ms").isEqualTo(960);
        assertThat(AudioPackets.opusFrames(new byte[] {(byte) (31 << 3), 0})).as("CELT 20 ms").isEqualTo(960);
        assertThat(AudioPackets.opusFrames(new byte[] {(byte) (16 << 3), 0})).as("CELT 2.5 ms").isEqualTo(120);
        assertThat(AudioPackets.opusFrames(new byte[] {(byte) (31 << 3 | 1), 0, 0})).as("two 20 ms frames").isEqualTo(1920);
        assertThat(AudioPackets.opusFrames(new byte[] {(byte) (31 << 3 | 3), 3, 0})).as("three frames (code 3)").isEqualTo(2880);
        assertThat(AudioPackets.opusFrames(new byte[] {(byte) (3 << 3 | 3), 3})).as("180 ms is more than Opus allows")
                .isEqualTo(AudioPackets.DEFAULT_FRAMES);
        assertThat(AudioPackets.opusFrames(new byte[0])).isEqualTo(AudioPackets.DEFAULT_FRAMES);
    }
}
