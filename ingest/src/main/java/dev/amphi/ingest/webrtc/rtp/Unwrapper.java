package dev.amphi.ingest.webrtc.rtp;

/**
 * Turns wrapping 16-bit sequence numbers or 32-bit timestamps into a monotonic 64-bit count: each
 * value is placed at its signed distance (at most half the number space, decided as
 * {@link SequenceNumbers} does) from the newest so far, so forward wrap-arounds add a cycle and
 * late, reordered values fall back before it. The first value unwraps to itself; a value from
 * before the first may unwrap below zero. Not thread-safe: one per stream, on the thread that
 * receives it.
 */
public final class Unwrapper {

    private final int bits;
    private final long mask;
    private long last;
    private boolean started;

    private Unwrapper(int bits) {
        this.bits = bits;
        this.mask = (1L << bits) - 1;
    }

    /** For 16-bit RTP sequence numbers. */
    public static Unwrapper sequenceNumbers() {
        return new Unwrapper(16);
    }

    /** For 32-bit RTP timestamps. */
    public static Unwrapper timestamps() {
        return new Unwrapper(32);
    }

    /** The extended value of {@code value} (0..2^bits-1). */
    public long unwrap(long value) {
        if (value < 0 || value > mask) {
            throw new IllegalArgumentException("value " + value + " outside 0.." + mask);
        }
        if (!started) {
            started = true;
            last = value;
            return value;
        }
        long extended = extend(value);
        if (extended > last) {
            last = extended;
        }
        return extended;
    }

    /**
     * The extended value of {@code value} without remembering it (for values that are looked up,
     * not received).
     */
    public long peek(long value) {
        if (value < 0 || value > mask) {
            throw new IllegalArgumentException("value " + value + " outside 0.." + mask);
        }
        return started ? extend(value) : value;
    }

    /** The value nearest the newest, with {@link SequenceNumbers}' rule for exactly half the space apart. */
    private long extend(long value) {
        long delta = (value - last) & mask;
        long half = 1L << (bits - 1);
        if (delta > half || (delta == half && value < (last & mask))) {
            delta -= 1L << bits;
        }
        return last + delta;
    }
}
