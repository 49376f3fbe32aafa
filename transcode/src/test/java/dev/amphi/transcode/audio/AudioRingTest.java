package dev.amphi.transcode.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
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
    @Test
    void aSteadyStreamHoldsOnlyWhatTheMixerHasNotReadYet() {
        AudioRing ring = new AudioRing(4 * AudioFormat.SAMPLE_RATE);
        int lead = AudioFormat.SAMPLE_RATE / 4; // the decoder 250 ms ahead of the mixer (jitter buffer)
        int mostChunks = 0;
        long written = 0;
        long read = 0;
        int[] real = new int[1];
        for (int tick = 0; tick < 30 * 30; tick++) { // 30 s at 30 fps, AAC frames of 1024
            while (written < read + lead) {
                ring.write(written, ramp(written, 1024), 0, 1024);
                written += 1024;
            }
            float[] out = read(ring, read, 1600, real);
            assertThat(real[0]).isEqualTo(1600);
            assertThat(out[2 * 1599]).isEqualTo(read + 1600f);
            read += 1600;
            mostChunks = Math.max(mostChunks, ring.chunksInUse());
        }
        // about 250 ms plus an AAC frame: 13 chunks of 1024 frames, where a flat ring holds 4 s (188 chunks' worth)
        assertThat(mostChunks).isBetween(12, lead / AudioRing.CHUNK + 3);
        while (read < written) { // the speaker stops sending: once all is read the ring holds nothing
            read(ring, read, 1600, real);
            read += 1600;
        }
        assertThat(ring.chunksInUse()).isZero();
    }

    @Test
    void returnsExactlyWhatAFlatArrayReturnsForAnyWritesAndReads() {
        Random rnd = new Random(20261207);
        for (int trial = 0; trial < 300; trial++) {
            int capacity = 1 + rnd.nextInt(trial % 3 == 0 ? 700 : 6000); // below, at and above the chunk size
            AudioRing ring = new AudioRing(capacity);
            FlatAudioRing flat = new FlatAudioRing(capacity);
            long writeAt = rnd.nextInt(3000);
            long readAt = 0;
            for (int op = 0; op < 200; op++) {
                if (rnd.nextInt(5) < 3) {
                    long start = switch (rnd.nextInt(8)) {
                        case 0 -> writeAt + rnd.nextInt(2 * capacity + 1);      // jump forward, maybe past the window
                        case 1 -> writeAt - rnd.nextInt(capacity + 1);          // back: overwrite, or too old
                        case 2 -> readAt - rnd.nextInt(1500);                   // late
                        case 3 -> writeAt + rnd.nextInt(300);                   // a short gap of silence
                        default -> writeAt;                                      // back to back
                    };
                    int frames = 1 + rnd.nextInt(rnd.nextBoolean() ? 1100 : 3 * capacity);
                    float[] pcm = new float[2 * frames];
                    for (int i = 0; i < pcm.length; i++) {
                        pcm[i] = rnd.nextFloat() - 0.5f;
                    }
                    int offset = rnd.nextInt(Math.max(1, frames / 4));
                    ring.write(start, pcm, offset, frames - offset);
                    flat.write(start, pcm, offset, frames - offset);
                    writeAt = start + frames - offset;
                } else {
                    long start = rnd.nextInt(6) == 0 ? readAt + rnd.nextInt(2 * capacity) - capacity / 2 : readAt;
                    int frames = 1 + rnd.nextInt(2500);
                    float[] got = new float[2 * frames + 6];
                    float[] want = new float[2 * frames + 6];
                    int realGot = ring.read(start, got, 3, frames);
                    int realWant = flat.read(start, want, 3, frames);
                    assertThat(got).as("trial %d op %d: read %d at %d, capacity %d", trial, op, frames, start, capacity)
                            .isEqualTo(want);
                    assertThat(realGot).isEqualTo(realWant);
                    readAt = Math.max(readAt, start + frames);
                }
                assertThat(ring.lateFrames()).isEqualTo(flat.lateFrames());
                assertThat(ring.chunksInUse()).isLessThanOrEqualTo((capacity + AudioRing.CHUNK - 1) / AudioRing.CHUNK);
            }
        }
    }
}
