package dev.amphi.transcode.video;

import dev.amphi.media.LatencyTrace;
import dev.amphi.transcode.frame.Picture;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands one speaker's decoded pictures from its decode worker to the compositor: a queue of at most
 * {@code capacity} pictures in program-time order (a full queue drops its oldest, counted), and
 * the spare pictures the compositor is done with, for the decode worker to scale into again
 * (allocating and blackening a fresh one per frame cost the decode thread a page fault per 4 KiB
 * of a large tile: a 1080p tile is 3 MiB, 30 times a second). Thread-safe: the queue is guarded by
 * a short lock.
 */
final class PictureHandoff {

    private static final int SPARE_MAX = 4;

    private final int capacity;
    private final ArrayDeque<TilePicture> queue = new ArrayDeque<>(); // guarded by itself
    private final ConcurrentLinkedDeque<Picture> spare = new ConcurrentLinkedDeque<>();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    PictureHandoff(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Decode worker: queues {@code p}, dropping the oldest when full; freed at once after {@link #close}. */
    void offer(TilePicture p) {
        TilePicture out = null;
        synchronized (queue) {
            if (closed) {
                out = p;
            } else {
                if (queue.size() >= capacity) {
                    out = queue.pollFirst();
                    dropped.incrementAndGet();
                }
                queue.addLast(p);
            }
        }
        if (out != null) {
            recycle(out);
        }
    }

    /**
     * Compositor: the newest picture due at {@code programPts}, the older due ones recycled (never
     * shown: the source is faster than the program); null when none is due or after {@link #close}.
     */
    TilePicture takeDue(long programPts) {
        TilePicture due = null;
        synchronized (queue) {
            if (closed) {
                return null;
            }
            while (!queue.isEmpty() && queue.peekFirst().pts() <= programPts) {
                if (due != null) {
                    recycle(due);
                }
                due = queue.pollFirst();
            }
        }
        if (due != null && LatencyTrace.ON) {
            LatencyTrace.record("tick", (programPts - due.pts()) * 100_000 / 9);
        }
        return due;
    }

    boolean closed() {
        return closed;
    }

    /** Drops every queued picture (a reconnect, a hidden tile). Any thread. */
    void clear() {
        ArrayDeque<TilePicture> old;
        synchronized (queue) {
            old = new ArrayDeque<>(queue);
            queue.clear();
        }
        old.forEach(this::recycle);
    }

    /** A picture of this size from the spares (its content is overwritten by the caller), or a new one. */
    Picture spareOfSize(int w, int h) {
        Picture p;
        while ((p = spare.pollFirst()) != null) {
            if (p.width() == w && p.height() == h) {
                return p;
            }
            p.close(); // the tile changed size
        }
        return Picture.allocate(w, h);
    }

    /** Done with {@code d}: its picture goes back to the spares when it is ours and there is room, else it is freed. */
    void recycle(TilePicture d) {
        Picture p = d.picture();
        if (!d.own() || closed || spare.size() >= SPARE_MAX) {
            p.close();
            return;
        }
        spare.addFirst(p);
        if (closed && spare.remove(p)) { // close() ran meanwhile
            p.close();
        }
    }

    /** Pictures dropped because the compositor did not take them in time. */
    long dropped() {
        return dropped.get();
    }

    /** Frees every queued and spare picture; later offers are freed at once. Idempotent. */
    void close() {
        synchronized (queue) {
            closed = true;
            queue.forEach(d -> d.picture().close());
            queue.clear();
        }
        Picture p;
        while ((p = spare.pollFirst()) != null) {
            p.close();
        }
    }
}
