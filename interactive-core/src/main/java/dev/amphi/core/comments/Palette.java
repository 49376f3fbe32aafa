package dev.amphi.core.comments;

import java.util.List;
import java.util.Locale;

/**
 * The colours a comment may have: a fixed palette, so no comment can be made invisible (black on a
 * dark lecture hall) or pick the page's own colours. White is the default.
 */
public final class Palette {

    /** {@code #rrggbb}, lower case; the first is the default. */
    public static final List<String> COLOURS = List.of(
            "#ffffff", // white
            "#fe0302", // red
            "#ff7204", // orange
            "#ffd302", // yellow
            "#00cd00", // green
            "#89d5ff", // light blue
            "#4266be", // blue
            "#cc0273"); // magenta

    private Palette() {
    }

    /** A palette colour, {@code #rrggbb} in either case; null means white. */
    public static String parse(String colour) {
        if (colour == null) {
            return COLOURS.get(0);
        }
        String c = colour.toLowerCase(Locale.ROOT);
        if (!COLOURS.contains(c)) {
            throw new CommentRefused("color", "color must be one of " + String.join(", ", COLOURS));
        }
        return c;
    }
}
