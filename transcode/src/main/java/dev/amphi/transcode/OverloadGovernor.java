package dev.amphi.transcode;

import dev.amphi.transcode.video.SpeakerVideo;

/**
 * Decides, once per program frame, how much tile work the program sheds ({@link
 * SpeakerVideo#shed(int)}: 0 = none up to {@link SpeakerVideo#SHED_KEYFRAMES}) so that an overloaded
 * machine loses tile frames, never audio and never program frames.
 *
 * <p>Pressure is a ladder with at least {@link #PRESSURE_BACKLOG} frames still being encoded, or a
 * program frame produced more than one frame period late. After {@link #RAISE_AFTER} frames of
 * pressure in a row the level rises by one, and it rises again only after another {@link
 * #RAISE_AFTER} (the decoders need a moment to show the effect). It falls by one after {@link
 * #CALM_AFTER} calm frames in a row (a ladder at most one frame behind, the frame on time), so a
 * load that comes and goes does not make the tiles flicker between rates. Program thread only.
 */
final class OverloadGovernor {

    /** Frames in flight in the ladder that count as pressure (its drop limit is {@code LadderEncoder.DEPTH}). */
    static final int PRESSURE_BACKLOG = 2;
    /** Frames of pressure in a row before the level rises: 0.5 s at 30 fps. */
    static final int RAISE_AFTER = 15;
    /** Calm frames in a row before the level falls: 3 s at 30 fps. */
    static final int CALM_AFTER = 90;

    private int level;
    private int pressured;
    private int calm;
    private long raises;

    /**
     * Takes one program frame's state and returns the shed level for the next ones.
     *
     * @param ladderBacklog frames the ladder has taken but not yet encoded in every rung
     * @param lateNanos     how late this frame was produced against its wall-clock due time (0 offline)
     * @param frameNanos    one frame period
     */
    int update(int ladderBacklog, long lateNanos, long frameNanos) {
        boolean pressure = ladderBacklog >= PRESSURE_BACKLOG || lateNanos > frameNanos;
        if (pressure) {
            calm = 0;
            if (++pressured >= RAISE_AFTER && level < SpeakerVideo.SHED_KEYFRAMES) {
                level++;
                raises++;
                pressured = 0;
            }
        } else {
            pressured = 0;
            boolean quiet = ladderBacklog <= 1 && lateNanos <= frameNanos / 2;
            calm = quiet ? calm + 1 : 0;
            if (calm >= CALM_AFTER && level > 0) {
                level--;
                calm = 0;
            }
        }
        return level;
    }

    /** The current level. */
    int level() {
        return level;
    }

    /** How often the level rose. */
    long raises() {
        return raises;
    }
}
