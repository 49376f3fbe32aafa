package dev.amphi.transcode;

import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import dev.amphi.transcode.frame.Picture;
import dev.amphi.transcode.video.TileShortcuts;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * A program clock ticked by its driver (a benchmark, a test) as fast as it goes; see
 * {@link ProgramClock#offline()}. Give it to {@link RoomProgram.Builder#clock}, {@link RoomProgram#start()}
 * the program, then call {@link #tick()} once per frame and {@link #finish()} at the end, before
 * {@link RoomProgram#close()}.
 *
 * <p>Program time is the time of the frame being produced. A frame waits for the ladder to have
 * room (at most a minute) instead of being dropped, and nothing is shed: the overload governor
 * sees no backlog and no lateness unless {@link #ladderBacklog} stands in for one. Speakers who
 * joined before the start get their tiles at the start, so the first frames show them at their
 * tile size.
 *
 * <p>Options for comparing a program's canvas with a reference drawn elsewhere (set them before
 * the start): {@link #tileShortcuts}, {@link #labels}, {@link #canvasTap}. One thread drives the
 * clock.
 */
public final class OfflineClock extends ProgramClock {

    private volatile long now;
    private volatile ProgramFrames frames;
    private long next;
    private TileShortcuts shortcuts = TileShortcuts.ALL;
    private boolean labels = true;
    private volatile Consumer<Picture> tap;
    private volatile IntSupplier backlog;

    OfflineClock() {
    }

    /** The savings speakers' tiles take, default all (as a room); {@link TileShortcuts#NONE} for the full-quality path. */
    public OfflineClock tileShortcuts(TileShortcuts shortcuts) {
        beforeStart("tileShortcuts");
        this.shortcuts = Objects.requireNonNull(shortcuts, "tileShortcuts");
        return this;
    }

    /** Whether speakers' names are drawn on their tiles, default true (as a room). */
    public OfflineClock labels(boolean on) {
        beforeStart("labels");
        this.labels = on;
        return this;
    }

    /** {@code tap} sees every canvas, on the driver's thread, before the ladder encodes it. */
    public OfflineClock canvasTap(Consumer<Picture> tap) {
        beforeStart("canvasTap");
        this.tap = Objects.requireNonNull(tap, "canvasTap");
        return this;
    }

    /**
     * The ladder backlog the overload governor sees instead of none (an offline program waits for its
     * ladder and never falls behind): to show how the program sheds tile work under load.
     */
    public OfflineClock ladderBacklog(IntSupplier backlog) {
        this.backlog = Objects.requireNonNull(backlog, "ladderBacklog");
        return this;
    }

    /**
     * Produces the next program frame (0, 1, 2, …), after waiting for the ladder to have room.
     *
     * @throws IllegalStateException when the program is not started, or its ladder stays full for a minute
     */
    public void tick() throws InterruptedException {
        ProgramFrames f = started();
        long n = next;
        now = n * MediaPacket.TIMESCALE / f.fps();
        if (!f.awaitLadderCapacity(1, TimeUnit.MINUTES)) {
            throw new IllegalStateException("room " + f.room() + ": the ladder took no frame for a minute");
        }
        f.produce(n);
        next = n + 1;
    }

    /** Frames produced so far. */
    public long frames() {
        return next;
    }

    /**
     * The decode side of a speaker, for a driver that feeds decoders itself (no queue, on its own
     * threads, one speaker at a time); a speaker fed this way counts as connected until its
     * {@code onEnd}. Null for a speaker not in the room.
     */
    public MediaSink decoderOf(String speakerId) {
        return started().decoderOf(speakerId);
    }

    /**
     * Ends the program: flushes the encoders and ends the outputs. Everything is closed and ended
     * even when a step fails; the first failure is thrown then (later ones suppressed in it).
     */
    public void finish() {
        Throwable failure = started().finish();
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    private ProgramFrames started() {
        ProgramFrames f = frames;
        if (f == null) {
            throw new IllegalStateException("the program of this clock is not started");
        }
        return f;
    }

    private void beforeStart(String option) {
        if (frames != null) {
            throw new IllegalStateException(option + " is set before the program starts");
        }
    }

    @Override
    long now() {
        return now;
    }

    @Override
    synchronized void start(ProgramFrames program) {
        if (frames != null) {
            throw new IllegalStateException("this clock already drives the program of room " + frames.room());
        }
        frames = program;
        program.layOutNow();
    }

    @Override
    void stop() {
        // no thread: the driver stops calling tick()
    }

    @Override
    boolean ticking() {
        return frames != null;
    }

    @Override
    int backlog(int ladderBacklog) {
        IntSupplier b = backlog;
        return b == null ? 0 : b.getAsInt();
    }

    @Override
    long lateNanos() {
        return 0;
    }

    @Override
    long lateFrames() {
        return 0;
    }

    @Override
    TileShortcuts tileShortcuts() {
        return shortcuts;
    }

    @Override
    boolean labels() {
        return labels;
    }

    @Override
    Consumer<Picture> canvasTap() {
        return tap;
    }
}
