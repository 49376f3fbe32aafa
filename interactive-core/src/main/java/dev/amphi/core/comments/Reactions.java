package dev.amphi.core.comments;

import java.util.List;

/**
 * The one-tap reactions: a fixed set, counted per second rather than stored one by one. An emoji
 * sent without its emoji variation selector (❤ for ❤️) is the same reaction.
 */
public final class Reactions {

    /** Clap, heart, laughing, party popper, thumbs up, question mark. */
    public static final List<String> ALL = List.of("👏", "❤️", "😂", "🎉", "👍", "❓");

    private Reactions() {
    }

    /** The reaction {@code emoji} names, as listed in {@link #ALL}. */
    public static String parse(String emoji) {
        if (emoji != null) {
            for (String r : ALL) {
                if (r.equals(emoji) || r.equals(emoji + "\uFE0F")) {
                    return r;
                }
            }
        }
        throw new CommentRefused("reaction", "emoji must be one of " + String.join(" ", ALL));
    }
}
