package dev.amphi.core.room;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a room's program looks like now.
 *
 * @param mode          whether the room composites its speakers or passes one publisher through
 * @param running       whether the room's program is running (always false when passing through)
 * @param layout        the layout the program shows, or will start with when it is not running;
 *                      empty when passing through
 * @param activeSpeaker the active speaker's id, once someone has spoken in the running program
 * @param speakers      the program's speakers in join order (empty unless running)
 */
public record ProgramState(Mode mode, boolean running, Optional<LayoutChoice> layout, Optional<String> activeSpeaker,
                           List<SpeakerView> speakers) {

    /** How a room turns its publishers into what viewers watch. */
    public enum Mode {
        /** Every publisher is a speaker of one composited program. */
        COMPOSITE,
        /** One publisher's own stream is repackaged; there is no program to steer. */
        PASSTHROUGH;

        /** {@code composite} or {@code passthrough}. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ProgramState {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(activeSpeaker, "activeSpeaker");
        speakers = List.copyOf(speakers);
        if (mode == Mode.PASSTHROUGH && (running || layout.isPresent() || activeSpeaker.isPresent() || !speakers.isEmpty())) {
            throw new IllegalArgumentException("a passthrough room has no running program, layout or speakers");
        }
        if (mode == Mode.COMPOSITE && layout.isEmpty()) {
            throw new IllegalArgumentException("a composited room always has a layout");
        }
    }

    /** The state of a room that passes its publisher through. */
    public static ProgramState passthrough() {
        return new ProgramState(Mode.PASSTHROUGH, false, Optional.empty(), Optional.empty(), List.of());
    }

    /** A composited room whose program is not running: only its layout is known. */
    public static ProgramState stopped(LayoutChoice layout) {
        return new ProgramState(Mode.COMPOSITE, false, Optional.of(layout), Optional.empty(), List.of());
    }
}
