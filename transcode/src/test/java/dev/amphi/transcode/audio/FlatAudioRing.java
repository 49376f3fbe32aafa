package dev.amphi.transcode.audio;

import java.util.Arrays;

/**
 * The reference for {@link AudioRing}: the same window over one flat array of {@code capacity}
 * frames, as the ring was before its storage became chunks. {@code AudioRingTest} checks that both
 * return the same for the same writes and reads.
 */
final class FlatAudioRing {

    private final int capacity;
    private float[] samples;
    private boolean[] real;
    /** One past the highest sample index written; meaningful once {@link #started}. */
    private long writeEnd;
    /** Samples below this index were consumed by a read; meaningful once {@link #readStarted}. */
    private long readPos;
    private boolean started;
    private boolean readStarted;
    private long lateFrames;

    FlatAudioRing(int capacityFrames) {
        if (capacityFrames < 1) {
            throw new IllegalArgumentException("ring capacity must be at least one frame, was " + capacityFrames);
        }
        this.capacity = capacityFrames;
    }

    int capacity() {
        return capacity;
    }

    /** Frames written too late (at or before what the mixer had already read, or older than the ring). */
    long lateFrames() {
        return lateFrames;
    }

    /**
     * Writes {@code frames} stereo frames from {@code src[offset..]} at program sample {@code start}.
     */
    void write(long start, float[] src, int offset, int frames) {
        if (frames <= 0) {
            return;
        }
        long end = start + frames;
        long from = start;
        if (readStarted && from < readPos) {
            lateFrames += Math.min(frames, readPos - from);
            from = readPos;
        }
        if (started && from < writeEnd - capacity) {
            long skip = Math.min(end, writeEnd - capacity) - from;
            lateFrames += Math.max(0, skip);
            from = writeEnd - capacity;
        }
        if (from >= end) {
            return;
        }
        if (end - from > capacity) {
            from = end - capacity;
        }
        if (samples == null) {
            samples = new float[capacity * AudioFormat.CHANNELS];
            real = new boolean[capacity];
        }
        if (!started) {
            started = true;
            writeEnd = from;
        }
        if (from > writeEnd) {
            clear(Math.max(writeEnd, from - capacity), from);
        }
        for (long j = from; j < end; ) {
            int slot = (int) Math.floorMod(j, (long) capacity);
            int run = (int) Math.min(end - j, capacity - slot);
            int srcFrame = offset + (int) (j - start);
            System.arraycopy(src, srcFrame * 2, samples, slot * 2, run * 2);
            Arrays.fill(real, slot, slot + run, true);
            j += run;
        }
        writeEnd = Math.max(writeEnd, end);
    }

    /**
     * Copies frames {@code [start, start + frames)} into {@code dst[offset..]}, silence where
     * nothing is held, and consumes them.
     *
     * @return how many of the frames were real audio
     */
    int read(long start, float[] dst, int offset, int frames) {
        Arrays.fill(dst, offset * 2, (offset + frames) * 2, 0f);
        long end = start + frames;
        int realFrames = 0;
        if (started) {
            long from = Math.max(start, writeEnd - capacity);
            if (readStarted) {
                from = Math.max(from, readPos);
            }
            long to = Math.min(end, writeEnd);
            for (long j = from; j < to; ) {
                int slot = (int) Math.floorMod(j, (long) capacity);
                int run = (int) Math.min(to - j, capacity - slot);
                int dstFrame = offset + (int) (j - start);
                System.arraycopy(samples, slot * 2, dst, dstFrame * 2, run * 2);
                for (int k = slot; k < slot + run; k++) {
                    if (real[k]) {
                        realFrames++;
                    }
                }
                j += run;
            }
        }
        if (!readStarted || end > readPos) {
            readPos = end;
            readStarted = true;
        }
        return realFrames;
    }

    private void clear(long from, long to) {
        for (long j = from; j < to; ) {
            int slot = (int) Math.floorMod(j, (long) capacity);
            int run = (int) Math.min(to - j, capacity - slot);
            Arrays.fill(samples, slot * 2, (slot + run) * 2, 0f);
            Arrays.fill(real, slot, slot + run, false);
            j += run;
        }
    }
}
