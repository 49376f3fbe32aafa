package dev.amphi.transcode.testing;

/** The Goertzel filter: how much of one frequency a run of samples holds. For tests. */
public final class Goertzel {

    private Goertzel() {
    }

    /**
     * Power of {@code hz} over {@code count} samples of {@code x} taken from {@code offset} every
     * {@code stride} (1 for mono, 2 for one channel of interleaved stereo) at {@code rate} Hz.
     * A sine of amplitude A over N samples gives about (A·N/2)².
     */
    public static double power(float[] x, int offset, int stride, int count, double hz, int rate) {
        double c = 2 * Math.cos(2 * Math.PI * hz / rate);
        double s1 = 0;
        double s2 = 0;
        for (int i = 0, k = offset; i < count; i++, k += stride) {
            double s0 = x[k] + c * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return Math.max(0, s1 * s1 + s2 * s2 - c * s1 * s2);
    }

    /** Peak amplitude of {@code hz} in those samples (a full-scale sine reads 1.0). */
    public static double amplitude(float[] x, int offset, int stride, int count, double hz, int rate) {
        return 2 * Math.sqrt(power(x, offset, stride, count, hz, rate)) / count;
    }
}
