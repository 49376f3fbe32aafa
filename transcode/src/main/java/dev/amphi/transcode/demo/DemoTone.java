package dev.amphi.transcode.demo;

/**
 * What one demo speaker sounds like: a sine tone of its own pitch, 220 Hz × 2^(index·5/12) (a
 * fourth higher per speaker) folded by octaves into 200–1600 Hz and rounded to a multiple of
 * 0.625 Hz, so a whole number of periods fits the 1.6 s {@link #LOOP_SAMPLES}-sample loop and the
 * loop replays without a click. Speakers talk in turns of {@link #TURN_SECONDS} s: speaker
 * {@code i} of {@code n} is loud (peak {@link #LOUD}, about -15 dBFS RMS) in turn {@code i} of every
 * cycle of {@code n} turns, 40 dB quieter the rest of the time. {@code bench/compose.sh} uses the same pitch rule.
 */
final class DemoTone {

    static final int SAMPLE_RATE = 48_000;
    /** Samples per AAC frame. */
    static final int FRAME = 1024;
    /** Frames in one audio loop: 75 × 1024 samples = exactly 1.6 s. */
    static final int LOOP_FRAMES = 75;
    static final int LOOP_SAMPLES = LOOP_FRAMES * FRAME;
    static final int TURN_SECONDS = 4;
    static final double LOUD = 0.25;
    static final double QUIET = LOUD / 100; // -40 dB

    private DemoTone() {
    }

    /** The pitch of speaker {@code index}, in Hz, within [200, 1600). */
    static double pitchHz(int index) {
        double f = 220 * Math.pow(2, index * 5 / 12.0);
        while (f >= 1600) {
            f /= 8;
        }
        return Math.round(f * 8 / 5) * 5 / 8.0; // multiples of 0.625 Hz: whole periods in 1.6 s
    }

    /** Whether speaker {@code index} of {@code count} talks at program second {@code seconds}. */
    static boolean talking(int index, int count, double seconds) {
        long turn = (long) Math.floor(seconds / TURN_SECONDS);
        return Math.floorMod(turn, count) == index;
    }

    /** {@code frames} stereo samples (L R L R …) of the tone at {@code amplitude}, from sample {@code start}. */
    static float[] samples(double hz, double amplitude, long start, int frames) {
        float[] out = new float[2 * frames];
        for (int i = 0; i < frames; i++) {
            long n = Math.floorMod(start + i, (long) LOOP_SAMPLES);
            float s = (float) (amplitude * Math.sin(2 * Math.PI * hz * n / SAMPLE_RATE));
            out[2 * i] = s;
            out[2 * i + 1] = s;
        }
        return out;
    }
}
