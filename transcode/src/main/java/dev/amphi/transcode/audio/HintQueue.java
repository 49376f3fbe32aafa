package dev.amphi.transcode.audio;

/**
 * The program sample ranges of a speaker's skipped (silent by their level) packets with the power
 * their level claims, oldest first, for the mixer's meter. A bounded ring of primitives: when full,
 * the oldest range is forgotten. Not thread-safe; {@link SpeakerAudio} guards it with its ring lock.
 */
final class HintQueue {

    private final long[] starts;
    private final long[] ends;
    private final double[] powers;
    private int head;
    private int size;

    HintQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        starts = new long[capacity];
        ends = new long[capacity];
        powers = new double[capacity];
    }

    /** Samples {@code [start, end)} claim mean power {@code power}. */
    void add(long start, long end, double power) {
        if (size == starts.length) {
            head = (head + 1) % starts.length;
            size--;
        }
        int i = (head + size) % starts.length;
        starts[i] = start;
        ends[i] = end;
        powers[i] = power;
        size++;
    }

    /** Mean claimed power over {@code [from, from + frames)} (0 where nothing is claimed); forgets ranges ending before {@code from}. */
    double meanPower(long from, int frames) {
        while (size > 0 && ends[head] <= from) {
            head = (head + 1) % starts.length;
            size--;
        }
        if (size == 0 || frames <= 0) {
            return 0;
        }
        long to = from + frames;
        double energy = 0;
        for (int k = 0; k < size; k++) {
            int i = (head + k) % starts.length;
            long overlap = Math.min(ends[i], to) - Math.max(starts[i], from);
            if (overlap > 0) {
                energy += powers[i] * overlap;
            }
        }
        return energy / frames;
    }

    int size() {
        return size;
    }
}
