package dev.amphi.core.room;

import java.util.Locale;
import java.util.Objects;

/**
 * The layout a host chose for a composited room, as the API carries it. The interactive core knows
 * the choices, not how they are drawn: the server maps them onto the program's own layouts.
 *
 * @param kind   which layout
 * @param page   gallery page, 1-based ({@value #MAX_PAGE} at most); always 1 for the other kinds
 * @param source the presented speaker's id for {@link Kind#PRESENTATION} (1 to {@value #MAX_SOURCE}
 *               characters, no control characters); null for the other kinds
 */
public record LayoutChoice(Kind kind, int page, String source) {

    /** Highest gallery page a host may ask for (a page past the last one shows the last page). */
    public static final int MAX_PAGE = 1000;
    /** Longest presentation source id (the program's speaker id limit). */
    public static final int MAX_SOURCE = 128;

    /** The layouts, named on the wire as {@link #wireName()}. */
    public enum Kind {
        /** A grid of up to 49 tiles per page, in join order. */
        GALLERY,
        /** The active speaker large, a filmstrip of recent speakers. */
        SPEAKER,
        /** One chosen input (slides, a screen share) large, the speakers in a strip. */
        PRESENTATION;

        /** {@code gallery}, {@code speaker} or {@code presentation}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public LayoutChoice {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.GALLERY) {
            if (page < 1 || page > MAX_PAGE) {
                throw new IllegalArgumentException("gallery page must be within 1.." + MAX_PAGE + ", was " + page);
            }
        } else if (page != 1) {
            throw new IllegalArgumentException(kind.wireName() + " layout has no pages, was given page " + page);
        }
        if (kind == Kind.PRESENTATION) {
            Objects.requireNonNull(source, "presentation source");
            if (source.isBlank() || source.length() > MAX_SOURCE || source.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("presentation source must be a speaker id of 1 to " + MAX_SOURCE
                        + " characters without control characters, was '" + bounded(source) + "'");
            }
        } else if (source != null) {
            throw new IllegalArgumentException(kind.wireName() + " layout takes no source, was given '" + bounded(source) + "'");
        }
    }

    public static LayoutChoice gallery(int page) {
        return new LayoutChoice(Kind.GALLERY, page, null);
    }

    public static LayoutChoice speaker() {
        return new LayoutChoice(Kind.SPEAKER, 1, null);
    }

    public static LayoutChoice presentation(String source) {
        return new LayoutChoice(Kind.PRESENTATION, 1, source);
    }

    /**
     * The short textual form also used on the command line: {@code gallery}, {@code gallery:N},
     * {@code speaker}, {@code presentation:ID}.
     */
    public String spec() {
        return switch (kind) {
            case GALLERY -> page == 1 ? "gallery" : "gallery:" + page;
            case SPEAKER -> "speaker";
            case PRESENTATION -> "presentation:" + source;
        };
    }

    static String bounded(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
