package dev.amphi.core.comments;

import java.time.Duration;
import java.util.Objects;

/**
 * A room's comment settings that a moderator may change while it is live: the comment mode, slow
 * mode (zero: off; otherwise a viewer posts at most once per interval) and whether comments wait for
 * a moderator's approval before viewers see them.
 */
public record CommentSettings(RoomCommentMode mode, Duration slowMode, boolean hold) {

    /** The longest slow mode: ten minutes. */
    public static final Duration MAX_SLOW_MODE = Duration.ofMinutes(10);

    public CommentSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(slowMode, "slowMode");
        if (slowMode.isNegative() || slowMode.compareTo(MAX_SLOW_MODE) > 0) {
            throw new IllegalArgumentException("slow mode must be 0 (off) to " + MAX_SLOW_MODE.toSeconds() + " s, was "
                    + slowMode.toSeconds() + " s");
        }
    }

    /** Text comments, no slow mode, nothing held. */
    public static CommentSettings defaults() {
        return new CommentSettings(RoomCommentMode.TEXT, Duration.ZERO, false);
    }
}
