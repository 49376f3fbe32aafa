package dev.amphi.transcode;

import java.util.List;
import java.util.Set;

/**
 * Events of a room's program, called on the program thread: keep them short and never block.
 */
public interface ProgramListener {

    /** The active speaker changed (after the detector's hold time); {@code speakerId} is never null. */
    default void activeSpeakerChanged(String room, String speakerId) {
    }

    /** A speaker joined, came back, or left for good; {@code speakers} in join order. */
    default void speakersChanged(String room, List<String> speakers) {
    }

    /**
     * The program laid its tiles out anew and the set of speakers with a tile changed, or the
     * layout did: {@code visible} is what {@link RoomProgram#visibleSpeakers()} now answers.
     */
    default void tilesChanged(String room, Set<String> visible) {
    }
}
