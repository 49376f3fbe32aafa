package dev.amphi.hls.playlist;

/**
 * Measures a rendition from its published segments: peak and average bit rate (for
 * {@code BANDWIDTH} and {@code AVERAGE-BANDWIDTH}) and sample rate (video frame rate). Segments
 * shorter than half the target (flushed at a publisher's stop) do not count towards the peak once
 * a full one exists.
 *
 * <p>Not thread-safe: owned by the stream's worker thread.
 */
public final class BitrateMeter {

    private final double minPeakSeconds;
    private long totalBytes;
    private double totalSeconds;
    private long totalSamples;
    private double peak;
    private double shortPeak;

    /** @param targetSeconds the target segment duration */
    public BitrateMeter(double targetSeconds) {
        this.minPeakSeconds = targetSeconds / 2;
    }

    public void add(int bytes, double seconds, int samples) {
        totalBytes += bytes;
        totalSeconds += seconds;
        totalSamples += samples;
        if (seconds > 0) {
            double bps = bytes * 8.0 / seconds;
            if (seconds >= minPeakSeconds) {
                peak = Math.max(peak, bps);
            } else {
                shortPeak = Math.max(shortPeak, bps);
            }
        }
    }

    /** Peak bits per second of a segment, rounded up. */
    public long peakBitsPerSecond() {
        return (long) Math.ceil(peak > 0 ? peak : shortPeak);
    }

    /** Average bits per second over every segment, rounded up. */
    public long averageBitsPerSecond() {
        return totalSeconds > 0 ? (long) Math.ceil(totalBytes * 8.0 / totalSeconds) : 0;
    }

    /** Samples per second over every segment (the frame rate for video), or 0 when unknown. */
    public double samplesPerSecond() {
        return totalSeconds > 0 ? totalSamples / totalSeconds : 0;
    }

    public boolean isEmpty() {
        return totalSamples == 0;
    }
}
