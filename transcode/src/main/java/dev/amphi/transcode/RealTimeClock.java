package dev.amphi.transcode;

import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wall clock of a live room: the thread {@code amphi-program-ROOM} produces frame {@code n} at
 * start + n frame periods (monotonic time), counts the frames it produced late and warns, at most
 * every 10 s, when it falls more than a second behind. It never waits for the ladder: the program
 * drops a frame the ladder has no room for.
 */
final class RealTimeClock extends ProgramClock {

    private static final Logger LOG = LoggerFactory.getLogger(RealTimeClock.class);

    private volatile long startNanos;
    private volatile Thread thread;
    private volatile boolean running;
    private volatile long lateFrames;
    /** How late the frame being produced is; program thread. */
    private long lateNanos;

    @Override
    long now() {
        long start = startNanos;
        return start == 0 ? 0 : (System.nanoTime() - start) * 9 / 100_000;
    }

    @Override
    synchronized void start(ProgramFrames frames) {
        if (thread != null) {
            throw new IllegalStateException("this clock already drives the program of room " + frames.room());
        }
        Thread t = new Thread(() -> run(frames), "amphi-program-" + frames.room());
        t.setDaemon(true);
        startNanos = System.nanoTime();
        running = true;
        try {
            t.start();
        } catch (RuntimeException | Error e) { // no native thread left
            running = false;
            startNanos = 0;
            throw e;
        }
        thread = t;
    }

    @Override
    void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    boolean ticking() {
        return thread != null && running;
    }

    @Override
    int backlog(int ladderBacklog) {
        return ladderBacklog;
    }

    @Override
    long lateNanos() {
        return lateNanos;
    }

    @Override
    long lateFrames() {
        return lateFrames;
    }

    private void run(ProgramFrames frames) {
        String room = frames.room();
        int fps = frames.fps();
        long frameIndex = 0;
        long lastLateLog = Long.MIN_VALUE;
        try {
            while (running) {
                long due = startNanos + frameIndex * 1_000_000_000L / fps;
                long now = System.nanoTime();
                if (now < due) {
                    LockSupport.parkNanos(due - now);
                    continue;
                }
                long late = now - due;
                if (late > 1_000_000_000L / fps) {
                    lateFrames++;
                    if (late > 1_000_000_000L && now - lastLateLog > 10_000_000_000L) {
                        lastLateLog = now;
                        LOG.warn("room {}: program is {} ms behind real time: the machine cannot keep up with this ladder"
                                + " (try a faster preset or fewer rungs)", room, late / 1_000_000);
                    }
                }
                lateNanos = late;
                frames.produce(frameIndex);
                frameIndex++;
            }
        } catch (RuntimeException | Error e) {
            LOG.error("room {}: program stopped by an error", room, e);
        } finally {
            Throwable failure = frames.finish();
            if (failure != null) {
                LOG.warn("room {}: error while ending the program (every encoder was still closed and every output ended)",
                        room, failure);
            }
        }
    }
}
