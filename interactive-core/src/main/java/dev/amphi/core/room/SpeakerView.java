package dev.amphi.core.room;

import java.util.Objects;

/**
 * One speaker of a composited room as the API shows it.
 *
 * @param id          the speaker's id in the room (stable across reconnects; what a presentation
 *                    layout names as its source)
 * @param displayName the name shown on the speaker's tile
 * @param levelDbfs   smoothed audio level in dBFS, {@value #SILENCE_DBFS} for silence (lower values are raised to it)
 * @param visible     whether the speaker has a tile in the current layout
 * @param muted       whether a host muted the speaker out of the mix
 * @param kbps        what the speaker's publisher sends, kbit/s over about the last second or more (0: unknown)
 */
public record SpeakerView(String id, String displayName, double levelDbfs, boolean visible, boolean muted, int kbps) {

    /** The level reported for silence (and for a speaker whose audio has not been metered yet). */
    public static final double SILENCE_DBFS = -120.0;

    public SpeakerView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(displayName, "displayName");
        if (id.isBlank()) {
            throw new IllegalArgumentException("speaker id must not be blank");
        }
        if (Double.isNaN(levelDbfs)) {
            throw new IllegalArgumentException("speaker " + id + ": level must be a number, was NaN");
        }
        levelDbfs = Math.max(SILENCE_DBFS, levelDbfs); // -Infinity (digital silence) reads as silence
        if (kbps < 0) {
            throw new IllegalArgumentException("speaker " + id + ": kbps must not be negative, was " + kbps);
        }
    }

    /** A speaker nobody muted, of unknown bitrate. */
    public SpeakerView(String id, String displayName, double levelDbfs, boolean visible) {
        this(id, displayName, levelDbfs, visible, false, 0);
    }
}
