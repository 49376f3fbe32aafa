package dev.amphi.transcode;

import dev.amphi.transcode.frame.Picture;
import dev.amphi.transcode.video.TileShortcuts;
import java.util.function.Consumer;

/**
 * What drives a room program's frames, given to it by {@link RoomProgram.Builder#clock}.
 *
 * <p>{@link #realTime()} (the default, what every room uses) ticks on the wall clock: a thread
 * named {@code amphi-program-ROOM} produces one frame per frame period, and a frame the ladder has
 * no room for is dropped. {@link #offline()} has no thread of its own: a driver (a benchmark, a
 * test) produces each frame with {@link OfflineClock#tick()} as fast as it goes, program time is
 * the frame's time, and a frame waits for the ladder instead of being dropped.
 *
 * <p>A clock drives one program. Its methods other than the factories are the program's: the
 * program asks it for the time, starts and stops it, and asks it what the overload governor sees.
 */
public abstract sealed class ProgramClock permits RealTimeClock, OfflineClock {

    ProgramClock() {
    }

    /** Ticks on the wall clock on the program's own thread: what a room uses. */
    public static ProgramClock realTime() {
        return new RealTimeClock();
    }

    /** Ticked by its driver, as fast as it goes: benchmarks and tests. */
    public static OfflineClock offline() {
        return new OfflineClock();
    }

    /** Program time now, 90 kHz; 0 before the start. */
    abstract long now();

    /**
     * Starts producing {@code frames}, whose pipeline is open; once.
     *
     * @throws IllegalStateException when this clock already drives a program
     */
    abstract void start(ProgramFrames frames);

    /** Stops: once it returns, no frame is produced any more. */
    abstract void stop();

    /** Whether another frame may still be produced (a removed speaker is freed only after it). */
    abstract boolean ticking();

    /** The ladder backlog the overload governor sees, given the ladder's own. */
    abstract int backlog(int ladderBacklog);

    /** How late the frame being produced is, for the overload governor; program thread. */
    abstract long lateNanos();

    /** Frames produced more than a frame period late. */
    abstract long lateFrames();

    /** The savings speakers' tiles take; a room takes them all. */
    TileShortcuts tileShortcuts() {
        return TileShortcuts.ALL;
    }

    /** Whether speakers' names are drawn on their tiles; a room draws them. */
    boolean labels() {
        return true;
    }

    /** Sees every canvas before the ladder encodes it (program thread), or null; a room has none. */
    Consumer<Picture> canvasTap() {
        return null;
    }
}
