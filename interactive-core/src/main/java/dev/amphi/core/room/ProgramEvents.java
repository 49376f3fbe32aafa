package dev.amphi.core.room;

import java.util.List;

/**
 * What happens in a room's program, as {@link ProgramControl#listen} reports it. Methods are called
 * on whatever thread made the change (the program thread, an ingest event loop, an HTTP event
 * loop): implementations must return quickly, never block and never call back into the program
 * under a lock of their own.
 */
public interface ProgramEvents {

    /** The active speaker changed (after the detector's hold time). */
    default void activeSpeakerChanged(String speakerId) {
    }

    /** A speaker joined, came back, or left; {@code speakers} in join order. */
    default void speakersChanged(List<SpeakerView> speakers) {
    }

    /** The host switched the layout. */
    default void layoutChanged(LayoutChoice layout) {
    }

    /** The program started or stopped; {@code state} is the room's state right after. */
    default void programChanged(ProgramState state) {
    }
}
