package dev.amphi.hls;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/** The origin's builder: validates each setting as it is set, naming a bad value. */
final class HlsOriginBuilder implements HlsOrigin.Builder {

    static final Duration MIN_TARGET = Duration.ofMillis(100);
    static final Duration MAX_TARGET = Duration.ofSeconds(60);
    static final int MAX_WINDOW = 1000;

    /**
     * Validated settings of one origin.
     *
     * @param retention how long a segment stays in the store after it left the playlist
     */
    record Settings(Duration targetDuration, int windowSize, long maxStoreBytes, Duration retention, Clock clock) { }

    private Duration targetDuration = Duration.ofSeconds(2);
    private int windowSize = 8;
    private long maxStoreBytes = 512L * 1024 * 1024;
    /** Null: derived from the target duration and window, see {@link HlsOrigin.Builder#retention}. */
    private Duration retention;
    private Clock clock = Clock.systemUTC();

    @Override
    public HlsOrigin.Builder targetDuration(Duration duration) {
        Objects.requireNonNull(duration, "targetDuration");
        if (duration.compareTo(MIN_TARGET) < 0 || duration.compareTo(MAX_TARGET) > 0) {
            throw new IllegalArgumentException("target duration must be between " + MIN_TARGET + " and "
                    + MAX_TARGET + ", was " + duration);
        }
        this.targetDuration = duration;
        return this;
    }

    @Override
    public HlsOrigin.Builder windowSize(int segments) {
        if (segments < 1 || segments > MAX_WINDOW) {
            throw new IllegalArgumentException("window size must be between 1 and " + MAX_WINDOW + " segments, was "
                    + segments);
        }
        this.windowSize = segments;
        return this;
    }

    @Override
    public HlsOrigin.Builder maxStoreBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("max store bytes must not be negative, was " + bytes);
        }
        this.maxStoreBytes = bytes;
        return this;
    }

    @Override
    public HlsOrigin.Builder retention(Duration retention) {
        Objects.requireNonNull(retention, "retention");
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive, was " + retention);
        }
        this.retention = retention;
        return this;
    }

    @Override
    public HlsOrigin.Builder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    @Override
    public HlsOrigin build() {
        // RFC 8216 6.2.2: a removed segment stays available for its duration plus the playlist's
        Duration keep = retention != null ? retention : targetDuration.multipliedBy(windowSize + 1L);
        return new LiveOrigin(new Settings(targetDuration, windowSize, maxStoreBytes, keep, clock));
    }
}
