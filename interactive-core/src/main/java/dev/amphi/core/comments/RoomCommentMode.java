package dev.amphi.core.comments;

import java.util.Locale;

/** What a room accepts: any text, emoji only (like an emote-only chat), or no comments at all. */
public enum RoomCommentMode {
    TEXT, EMOJI, OFF;

    /**
     * {@code text}, {@code emoji} or {@code off}.
     *
     * @throws IllegalArgumentException for anything else (a configuration error, not a viewer's)
     */
    public static RoomCommentMode parse(String s) {
        for (RoomCommentMode m : values()) {
            if (m.wire().equals(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("comment mode must be text, emoji or off, was '" + s + "'");
    }

    /** The name in configuration and JSON. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
