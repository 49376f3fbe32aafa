package dev.amphi.transcode.encode;

import dev.amphi.transcode.frame.Picture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ladder's canvas slots: a fixed pool of canvas-size pictures (each with the pictures of the
 * rungs others are scaled from), taken in turn by the program thread, shared by the rungs until
 * every rung has released it. Thread-safe.
 */
final class CanvasSlots implements AutoCloseable {

    private final List<Slot> all;
    private final BlockingQueue<Slot> free;

    /**
     * Allocates {@code depth} slots of {@code canvasW x canvasH}; what was allocated is freed when
     * an allocation fails.
     */
    CanvasSlots(int depth, int canvasW, int canvasH, List<Rung> rungs, CascadePlan plan) {
        all = new ArrayList<>(depth);
        free = new ArrayBlockingQueue<>(depth);
        try {
            for (int i = 0; i < depth; i++) {
                Picture[] rungPictures = new Picture[rungs.size()];
                Slot slot = new Slot(Picture.allocate(canvasW, canvasH), rungPictures);
                all.add(slot);
                for (int r = 0; r < rungPictures.length; r++) {
                    if (plan.feeds(r)) {
                        rungPictures[r] = Picture.allocate(rungs.get(r).width(), rungs.get(r).height());
                    }
                }
                free.add(slot);
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** A free slot, or null when every one is still in use. */
    Slot poll() {
        return free.poll();
    }

    /** One user is done with {@code slot}; the last one frees it for the program. */
    void release(Slot slot) {
        if (slot.users.decrementAndGet() == 0) {
            synchronized (free) {
                free.add(slot);
                free.notifyAll();
            }
        }
    }

    /** Slots in use (0..depth). */
    int inUse() {
        return all.size() - free.size();
    }

    /** Waits until no slot is in use; true if that happened in time. */
    boolean awaitAllFree(long timeout, TimeUnit unit) throws InterruptedException {
        return await(timeout, unit, true);
    }

    /** Waits until a slot is free; true if that happened in time. */
    boolean awaitOneFree(long timeout, TimeUnit unit) throws InterruptedException {
        return await(timeout, unit, false);
    }

    private boolean await(long timeout, TimeUnit unit, boolean allOfThem) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (free) {
            while (allOfThem ? free.size() < all.size() : free.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(free, left);
            }
        }
        return true;
    }

    /** Frees every slot's pictures; no thread may use them any more. */
    @Override
    public void close() {
        all.forEach(Slot::close);
    }

    /**
     * A copy of one canvas, shared by the rungs until each has scaled or encoded it, with the
     * pictures of the rungs other rungs are scaled from (null for the others).
     */
    static final class Slot {
        final Picture picture;
        final Picture[] rungPictures;
        final AtomicInteger users = new AtomicInteger();

        Slot(Picture picture, Picture[] rungPictures) {
            this.picture = picture;
            this.rungPictures = rungPictures;
        }

        private void close() {
            picture.close();
            for (Picture p : rungPictures) {
                if (p != null) {
                    p.close();
                }
            }
        }
    }
}
