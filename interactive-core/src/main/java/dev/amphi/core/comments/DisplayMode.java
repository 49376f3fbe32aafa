package dev.amphi.core.comments;

import java.util.Locale;

/** Where a comment is shown: flying right to left across the video, or pinned at the top or bottom. */
public enum DisplayMode {
    SCROLL, TOP, BOTTOM;

    /** {@code scroll}, {@code top} or {@code bottom}; null means {@code scroll}. */
    public static DisplayMode parse(String s) {
        if (s == null) {
            return SCROLL;
        }
        for (DisplayMode m : values()) {
            if (m.wire().equals(s)) {
                return m;
            }
        }
        throw new CommentRefused("mode", "mode must be scroll, top or bottom");
    }

    /** The name in JSON. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
