package dev.amphi.transcode.audio;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * A window of one speaker's program audio keyed by absolute program sample index: stereo
 * interleaved float, {@code capacity} frames. Slot {@code j % capacity} holds sample {@code j} for
 * every {@code j} in {@code [writeEnd - capacity, writeEnd)}, each slot flagged as real audio or
 * silence. Writes may land anywhere: a jump forward fills the gap with silence, a jump backward
 * overwrites, writes at or before the read position are late and dropped. Reads consume: a sample
 * is returned at most once. Slots not flagged real always read as zeros (never written, or cleared
 * when a jump forward skipped them), so a read that returns no real frames returned pure silence.
 *
 * <p>Memory: the slots live in chunks of {@value #CHUNK} frames (8 KiB of samples, far below a G1
 * region, so never a humongous object), allocated when a write first lands in them and given up
 * as soon as every sample they hold has been read or has left the window. A speaker thus holds
 * what lies between the mixer's read position and the newest decoded sample (the jitter buffer,
 * about a quarter of a second), not the whole capacity, and a speaker who sends nothing holds no
 * chunk at all. Up to {@value #SPARES} given-up chunks are kept for the next writes, so a steady
 * stream allocates nothing. What a read returns is exactly what a flat array of {@code capacity}
 * frames would return.
 *
 * <p>Not thread-safe; {@link SpeakerAudio} guards it with its lock.
 */
final class AudioRing {

    /** Frames per chunk of storage. */
    static final int CHUNK = 1024;
    /** Given-up chunks kept for reuse while the ring holds audio. */
    static final int SPARES = 4;

    private final int capacity;
    /** Chunk {@code c} holds slots {@code [c * CHUNK, (c + 1) * CHUNK)}; null: all silence. Allocated on first write. */
    private float[][] samples;
    private boolean[][] real;
    private int chunksInUse;
    private final ArrayDeque<float[]> spareSamples = new ArrayDeque<>(SPARES);
    private final ArrayDeque<boolean[]> spareReal = new ArrayDeque<>(SPARES);
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

    /** Chunks of storage held now (for tests and memory figures). */
    int chunksInUse() {
        return chunksInUse;
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
            int chunks = (capacity + CHUNK - 1) / CHUNK;
            samples = new float[chunks][];
            real = new boolean[chunks][];
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
            int c = slot / CHUNK;
            int at = slot - c * CHUNK;
            int run = (int) Math.min(end - j, Math.min(capacity - slot, CHUNK - at));
            int srcFrame = offset + (int) (j - start);
            if (samples[c] == null) {
                take(c);
            }
            System.arraycopy(src, srcFrame * 2, samples[c], at * 2, run * 2);
            Arrays.fill(real[c], at, at + run, true);
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
                int c = slot / CHUNK;
                int at = slot - c * CHUNK;
                int run = (int) Math.min(to - j, Math.min(capacity - slot, CHUNK - at));
                if (samples[c] != null) {
                    int dstFrame = offset + (int) (j - start);
                    System.arraycopy(samples[c], at * 2, dst, dstFrame * 2, run * 2);
                    boolean[] flags = real[c];
                    for (int k = at; k < at + run; k++) {
                        if (flags[k]) {
                            realFrames++;
                        }
                    }
                }
                j += run;
            }
        }
        long consumedFrom = readStarted ? readPos : Long.MIN_VALUE;
        if (!readStarted || end > readPos) {
            readPos = end;
            readStarted = true;
        }
        if (chunksInUse > 0) {
            giveUpConsumed(consumedFrom);
        }
        return realFrames;
    }

    /**
     * Gives up the chunks that hold nothing readable any more, after a read moved the read position
     * from {@code before}: those with no slot in {@code [max(readPos, writeEnd - capacity), writeEnd)}.
     */
    private void giveUpConsumed(long before) {
        long liveFrom = Math.max(readPos, writeEnd - capacity);
        if (liveFrom >= writeEnd) { // everything read: the speaker holds nothing, not even spares
            for (int c = 0; c < samples.length; c++) {
                samples[c] = null;
                real[c] = null;
            }
            chunksInUse = 0;
            spareSamples.clear();
            spareReal.clear();
            return;
        }
        // only samples read by this call can have emptied a chunk: those of [before, readPos) still in the window
        long from = Math.max(before, writeEnd - capacity);
        long to = Math.min(readPos, writeEnd);
        if (to - from >= capacity) {
            from = to - capacity;
        }
        for (long j = from; j < to; ) {
            int slot = (int) Math.floorMod(j, (long) capacity);
            int c = slot / CHUNK;
            int chunkEnd = Math.min(capacity, (c + 1) * CHUNK);
            if (samples[c] != null && !holdsLive(c, liveFrom)) {
                giveUp(c);
            }
            j += chunkEnd - slot;
        }
    }

    /** Whether a slot of chunk {@code c} maps to a sample in {@code [liveFrom, writeEnd)}. */
    private boolean holdsLive(int c, long liveFrom) {
        // the newest sample mapped to slot s is writeEnd - 1 - ((writeEnd - 1 - s) mod capacity)
        int first = c * CHUNK;
        int last = Math.min(capacity, (c + 1) * CHUNK) - 1;
        int newestSlot = (int) Math.floorMod(writeEnd - 1, (long) capacity);
        long newest = newestSlot >= first && newestSlot <= last ? writeEnd - 1
                : writeEnd - 1 - Math.floorMod(writeEnd - 1 - last, (long) capacity);
        return newest >= liveFrom;
    }

    private void take(int c) {
        float[] s = spareSamples.pollFirst();
        boolean[] r = spareReal.pollFirst();
        if (s == null) {
            s = new float[CHUNK * AudioFormat.CHANNELS];
            r = new boolean[CHUNK];
        } else {
            Arrays.fill(s, 0f);
            Arrays.fill(r, false);
        }
        samples[c] = s;
        real[c] = r;
        chunksInUse++;
    }

    private void giveUp(int c) {
        if (spareSamples.size() < SPARES) {
            spareSamples.addFirst(samples[c]);
            spareReal.addFirst(real[c]);
        }
        samples[c] = null;
        real[c] = null;
        chunksInUse--;
    }

    private void clear(long from, long to) {
        for (long j = from; j < to; ) {
            int slot = (int) Math.floorMod(j, (long) capacity);
            int c = slot / CHUNK;
            int at = slot - c * CHUNK;
            int run = (int) Math.min(to - j, Math.min(capacity - slot, CHUNK - at));
            if (samples[c] != null) {
                Arrays.fill(samples[c], at * 2, (at + run) * 2, 0f);
                Arrays.fill(real[c], at, at + run, false);
            }
            j += run;
        }
    }
}
