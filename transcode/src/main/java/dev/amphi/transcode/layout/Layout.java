package dev.amphi.transcode.layout;

import java.util.Locale;
import java.util.Objects;

/**
 * A room's layout, as chosen by the host. Its textual form ({@link #spec()}, accepted by {@link
 * #parse(String)}) is what users type and the API carries: {@code gallery}, {@code gallery:2},
 * {@code speaker}, {@code presentation:ID}.
 */
public sealed interface Layout permits Layout.Gallery, Layout.ActiveSpeaker, Layout.Presentation {

    /** Most speakers' tiles on one gallery page (a 7x7 grid). */
    int GALLERY_PAGE_SIZE = 49;

    /** The textual form, which {@link #parse(String)} reads back to an equal layout. */
    String spec();

    /**
     * A grid of up to {@link #GALLERY_PAGE_SIZE} tiles in join order.
     *
     * @param page 1-based page number; a page past the last one shows the last page
     */
    record Gallery(int page) implements Layout {
        public Gallery {
            if (page < 1 || page > 1000) {
                throw new IllegalArgumentException("gallery page must be within 1..1000, got " + page);
            }
        }

        @Override
        public String spec() {
            return page == 1 ? "gallery" : "gallery:" + page;
        }
    }

    /** The active speaker large on top, a filmstrip of the most recent other speakers below. Named {@code speaker}. */
    record ActiveSpeaker() implements Layout {
        @Override
        public String spec() {
            return "speaker";
        }
    }

    /**
     * One chosen input (slides, a screen share) large, the speakers in a strip beside it.
     *
     * @param presenterId the speaker id of the presented input
     */
    record Presentation(String presenterId) implements Layout {
        public Presentation {
            Objects.requireNonNull(presenterId, "presenterId");
            if (presenterId.isBlank()) {
                throw new IllegalArgumentException("presentation layout needs a presenter id, got a blank one");
            }
        }

        @Override
        public String spec() {
            return "presentation:" + presenterId;
        }
    }

    /**
     * Reads a layout's textual form: {@code gallery}, {@code gallery:N} (N ≥ 1), {@code speaker},
     * {@code presentation:ID}. The layout name is case-insensitive; the presenter id is kept as given.
     *
     * @throws IllegalArgumentException naming the text and what was expected
     */
    static Layout parse(String text) {
        Objects.requireNonNull(text, "layout");
        String s = text.strip();
        int colon = s.indexOf(':');
        String name = (colon < 0 ? s : s.substring(0, colon)).toLowerCase(Locale.ROOT);
        String arg = colon < 0 ? null : s.substring(colon + 1);
        switch (name) {
            case "gallery":
                if (arg == null) {
                    return new Gallery(1);
                }
                try {
                    return new Gallery(Integer.parseInt(arg));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("layout '" + text + "': gallery page must be a number, got '" + arg + "'");
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("layout '" + text + "': " + e.getMessage());
                }
            case "speaker":
                if (arg != null) {
                    throw new IllegalArgumentException("layout '" + text + "': speaker takes no argument");
                }
                return new ActiveSpeaker();
            case "presentation":
                if (arg == null || arg.isBlank()) {
                    throw new IllegalArgumentException("layout '" + text + "': expected presentation:<speaker id>");
                }
                return new Presentation(arg);
            default:
                throw new IllegalArgumentException("unknown layout '" + text
                        + "', expected gallery, gallery:<page>, speaker or presentation:<speaker id>");
        }
    }
}
