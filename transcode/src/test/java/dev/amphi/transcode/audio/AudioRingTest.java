package dev.amphi.transcode.audio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AudioRingTest {

    /** {@code frames} stereo frames whose left and right sample both equal their program index + 1. */
    private static float[] ramp(long start, int frames) {
        float[] pcm = new float[frames * 2];
        for (int i = 0; i < frames; i++) {
            pcm[2 * i] = start + i + 1;
            pcm[2 * i + 1] = start + i + 1;
        }
        return pcm;
    }

    private static float[] read(AudioRing ring, long start, int frames, int[] realOut) {
        float[] dst = new float[frames * 2];
        realOut[0] = ring.read(start, dst, 0, frames);
        return dst;
    }

    @Test
    void readsWhatWasWrittenAtTheSameProgramSamples() {
        AudioRing ring = new AudioRing(1000);
        ring.write(100, ramp(100, 50), 0, 50);
        int[] real = new int[1];
        float[] out = read(ring, 90, 70, real);

        assertThat(real[0]).isEqualTo(50);
        assertThat(out[0]).isZero();             // sample 90: nothing written
        assertThat(out[2 * 10]).isEqualTo(101f); // sample 100
        assertThat(out[2 * 59 + 1]).isEqualTo(150f); // sample 149, right channel
        assertThat(out[2 * 60]).isZero();        // sample 150: nothing written
    }

    @Test
    void gapBetweenWritesIsSilence() {
        AudioRing ring = new AudioRing(1000);
        ring.write(0, ramp(0, 100), 0, 100);
        int[] real = new int[1];
        read(ring, 0, 100, real);
        ring.write(100, ramp(100, 100), 0, 100);   // slot reuse comes later
        ring.write(1100, ramp(1100, 50), 0, 50);   // jumps 900 ahead: [200, 1100) must read as silence
        float[] out = read(ring, 1000, 150, real);

        assertThat(real[0]).isEqualTo(50);
        assertThat(TestAudio.peak(out, 0, 100)).isZero();
        assertThat(out[2 * 100]).isEqualTo(1101f);
    }

    @Test
    void overlappingWriteOverwrites() {
        AudioRing ring = new AudioRing(1000);
        ring.write(0, ramp(0, 100), 0, 100);
        float[] other = new float[20 * 2];
        java.util.Arrays.fill(other, -0.5f);
        ring.write(40, other, 0, 20);
        int[] real = new int[1];
        float[] out = read(ring, 0, 100, real);

        assertThat(real[0]).isEqualTo(100);
        assertThat(out[2 * 39]).isEqualTo(40f);
        assertThat(out[2 * 40]).isEqualTo(-0.5f);
        assertThat(out[2 * 59]).isEqualTo(-0.5f);
        assertThat(out[2 * 60]).isEqualTo(61f);
    }

    @Test
    void samplesOlderThanTheRingReadAsSilence() {
        AudioRing ring = new AudioRing(100);
        ring.write(0, ramp(0, 100), 0, 100);
        ring.write(100, ramp(100, 50), 0, 50); // samples 0..49 fall out of the window
        int[] real = new int[1];
        float[] out = read(ring, 0, 150, real);

        assertThat(real[0]).isEqualTo(100);
        assertThat(TestAudio.peak(out, 0, 50)).isZero();
        assertThat(out[2 * 50]).isEqualTo(51f);
        assertThat(out[2 * 149]).isEqualTo(150f);
    }

    @Test
    void writesBehindTheReaderAreLateAndDropped() {
        AudioRing ring = new AudioRing(1000);
        int[] real = new int[1];
        read(ring, 0, 100, real);
        ring.write(80, ramp(80, 40), 0, 40);
        float[] out = read(ring, 100, 20, real);

        assertThat(ring.lateFrames()).isEqualTo(20);
        assertThat(real[0]).isEqualTo(20);
        assertThat(out[0]).isEqualTo(101f);
    }

    @Test
    void backwardWriteBeforeTheFirstLeavesSilenceInBetween() {
        AudioRing ring = new AudioRing(100);
        ring.write(150, ramp(150, 10), 0, 10);
        ring.write(120, ramp(120, 10), 0, 10);
        int[] real = new int[1];
        float[] out = read(ring, 100, 60, real);

        assertThat(real[0]).isEqualTo(20);
        assertThat(TestAudio.peak(out, 0, 20)).isZero();
        assertThat(out[2 * 20]).isEqualTo(121f);
        assertThat(TestAudio.peak(out, 30, 50)).isZero();
        assertThat(out[2 * 50]).isEqualTo(151f);
    }

    @Test
    void wrappingAroundTheRingKeepsEveryRealSampleOnce() {
        AudioRing ring = new AudioRing(1000);
        int[] real = new int[1];
        long total = 0;
        for (long pos = 0; pos < 10_000; pos += 300) {
            ring.write(pos, ramp(pos, 300), 0, 300);
            float[] out = read(ring, pos, 300, real);
            total += real[0];
            assertThat(out[0]).isEqualTo(pos + 1f);
            assertThat(out[2 * 299 + 1]).isEqualTo(pos + 300f);
        }
        assertThat(total).isEqualTo(10_200);
    }
}
