package dev.amphi.hls.playlist;

/**
 * Measures a rendition from its published segments: peak and average bit rate (for
 * {@code BANDWIDTH} and {@code AVERAGE-BANDWIDTH}) and the highest sample rate of a segment (the
 * video frame rate, for {@code FRAME-RATE}, which the HLS specification defines as the maximum).
 * Segments shorter than half the target (flushed at a publisher's stop) do not count towards the
 * peaks once a full one exists.
 *
 * <p>Not thread-safe: owned by the stream's worker thread.
 */
public final class BitrateMeter {

    private final double minPeakSeconds;
    private long totalBytes;
    private double totalSeconds;
    private double peak;
    private double shortPeak;
    private double peakRate;
    private double shortPeakRate;

    /** @param targetSeconds the target segment duration */
    public BitrateMeter(double targetSeconds) {
        this.minPeakSeconds = targetSeconds / 2;
    }

    public void add(int bytes, double seconds, int samples) {
        totalBytes += bytes;
        totalSeconds += seconds;
        if (seconds > 0) {
            double bps = bytes * 8.0 / seconds;
            double rate = samples / seconds;
            if (seconds >= minPeakSeconds) {
                peak = Math.max(peak, bps);
                peakRate = Math.max(peakRate, rate);
            } else {
                shortPeak = Math.max(shortPeak, bps);
                shortPeakRate = Math.max(shortPeakRate, rate);
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

    /**
     * The highest samples per second of a segment (the frame rate for video), or 0 when unknown.
     * Not the average: frames a live program dropped (a slow start, an overloaded moment) leave
     * gaps that would pull an average below the rate the stream runs at.
     */
    public double peakSamplesPerSecond() {
        return peakRate > 0 ? peakRate : shortPeakRate;
    }
}
