package dev.amphi.core.room;

import java.util.Objects;

/**
 * The port through which the interactive core sees and steers rooms' composited programs; the
 * server implements it on top of its transcode programs. Every method is cheap and non-blocking
 * (called on HTTP event loops) and may be called from any thread.
 *
 * <p>Room names given here are rooms of the registry; the API checks that before calling.
 */
public interface ProgramControl {

    /** The room's program now; {@link ProgramState#passthrough()} for a room that passes through. */
    ProgramState state(String room);

    /**
     * Switches the room's layout, at the next frame when the program runs, else for when it starts.
     *
     * @throws IllegalStateException    when the room passes its publisher through (nothing to lay out)
     * @throws IllegalArgumentException when a presentation names a source that is not a speaker of
     *                                  the room (the message names it)
     */
    void layout(String room, LayoutChoice layout);

    /**
     * A host mutes the room's speaker {@code speakerId} out of the program's mix, or lets them back
     * (see the program's own mute); kept while the room's program runs and across its restarts.
     *
     * @throws IllegalStateException when the room passes its publisher through (there is no mix)
     */
    default void mute(String room, String speakerId, boolean muted) {
        throw new IllegalStateException("room " + room + " passes its publisher through: it has no mix to mute anyone in");
    }

    /**
     * Takes the speaker {@code speakerId} off the room now: their connections (and their screen
     * share's) are closed and their tile goes away at the next frame. Whether they may come back is
     * the caller's business ({@link Bans}).
     *
     * @return the connections closed
     * @throws IllegalStateException when the room passes its publisher through
     */
    default int kick(String room, String speakerId, String reason) {
        throw new IllegalStateException("room " + room + " passes its publisher through: it has no speakers to remove");
    }

    /** Starts reporting the room's events to {@code events} until the returned handle is closed. */
    Registration listen(String room, ProgramEvents events);

    /** Stops a {@link #listen}; closing twice does nothing. */
    @FunctionalInterface
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** A control for a server whose rooms all pass their publisher through. */
    static ProgramControl passthroughOnly() {
        return new ProgramControl() {
            @Override
            public ProgramState state(String room) {
                Objects.requireNonNull(room, "room");
                return ProgramState.passthrough();
            }

            @Override
            public void layout(String room, LayoutChoice layout) {
                throw new IllegalStateException("room " + room + " passes its publisher through; it has no layout");
            }

            @Override
            public Registration listen(String room, ProgramEvents events) {
                Objects.requireNonNull(events, "events");
                return () -> { };
            }
        };
    }
}
