package dev.amphi.transcode.audio;

import java.util.Arrays;

/**
 * A window of one speaker's program audio keyed by absolute program sample index: stereo
 * interleaved float, {@code capacity} frames, allocated on first write. Slot {@code j % capacity}
 * holds sample {@code j} for every {@code j} in {@code [writeEnd - capacity, writeEnd)}, each slot
 * flagged as real audio or silence. Writes may land anywhere: a jump forward fills the gap with
 * silence, a jump backward overwrites, writes at or before the read position are late and
 * dropped. Reads consume: a sample is returned at most once. Slots not flagged real always
 * hold zeros (never written, or cleared when a jump forward skipped them), so a read that
 * returns no real frames returned pure silence.
 *
 * <p>Not thread-safe; {@link SpeakerAudio} guards it with its lock.
 */
final class AudioRing {

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

    AudioRing(int capacityFrames) {
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
