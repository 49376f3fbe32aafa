package dev.amphi.core.api;

import dev.amphi.core.comments.CommentWindows;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * How an export of a room's comments is written, as a head, each comment in program-time order and a
 * tail, so a long export streams without being held in memory.
 * <ul>
 *   <li>{@link #JSON}: an array of {@code {"id","t","text","mode","color","nick"}}, the fields of a
 *       published window's comments ({@link CommentJson#comment}).</li>
 *   <li>{@link #XML}: bilibili's danmaku XML, which danmaku players and converters (to ASS subtitles)
 *       read: {@code <?xml version="1.0" encoding="UTF-8"?><i>}, bilibili's header elements, then one
 *       {@code <d p="seconds,mode,fontsize,color,unixtime,pool,userhash,id">text</d>} per comment:
 *       seconds after the export's origin with five decimals; mode 1 (scrolling right to left), 5 (top)
 *       or 4 (bottom); font size 25 (bilibili's standard size); the colour as a decimal RGB number;
 *       the Unix time in seconds when the comment arrived; pool 0 (ordinary comments); the viewer's
 *       anonymous id hashed with CRC-32, in hex (as bilibili hashes its user ids); the comment's id.
 *       The text is escaped, and a character XML 1.0 cannot carry becomes U+FFFD.</li>
 * </ul>
 */
enum CommentExportFormat {

    JSON("application/json; charset=utf-8", "json") {
        @Override
        Buffer head(long count) {
            return Buffer.buffer("[");
        }

        @Override
        Buffer comment(CommentWindows.Accepted c, boolean first, long origin) {
            Buffer b = Buffer.buffer(first ? "\n" : ",\n");
            return b.appendBuffer(CommentJson.comment(c).toBuffer());
        }

        @Override
        Buffer tail(boolean empty) {
            return Buffer.buffer(empty ? "]\n" : "\n]\n");
        }
    },

    XML("application/xml; charset=utf-8", "xml") {
        @Override
        Buffer head(long count) {
            // no line break before <i>: danmaku2ass recognises bilibili's files by this exact start
            return Buffer.buffer("<?xml version=\"1.0\" encoding=\"UTF-8\"?><i>\n<chatserver>amphi</chatserver>\n<chatid>0</chatid>\n"
                    + "<mission>0</mission>\n<maxlimit>" + count + "</maxlimit>\n<state>0</state>\n<real_name>0</real_name>\n"
                    + "<source>k-v</source>\n");
        }

        @Override
        Buffer comment(CommentWindows.Accepted c, boolean first, long origin) {
            StringBuilder b = new StringBuilder(96 + c.draft().text().length());
            b.append("<d p=\"").append(seconds(c.at() - origin)).append(',').append(mode(c)).append(",25,")
                    .append(Integer.parseInt(c.draft().color().substring(1), 16)).append(',')
                    .append(Math.floorDiv(c.received(), 1000L)).append(",0,").append(userHash(c.viewer())).append(',')
                    .append(c.id()).append("\">");
            escape(b, c.draft().text());
            return Buffer.buffer(b.append("</d>\n").toString());
        }

        @Override
        Buffer tail(boolean empty) {
            return Buffer.buffer("</i>\n");
        }
    };

    private final String contentType;
    private final String extension;

    CommentExportFormat(String contentType, String extension) {
        this.contentType = contentType;
        this.extension = extension;
    }

    /** The format a {@code format} query parameter names ({@code json}, {@code xml}). */
    static Optional<CommentExportFormat> named(String name) {
        for (CommentExportFormat f : values()) {
            if (f.extension.equals(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    String contentType() {
        return contentType;
    }

    String extension() {
        return extension;
    }

    /** What comes before the comments; {@code count} is how many follow. */
    abstract Buffer head(long count);

    /** One comment; {@code origin} is the program time (epoch ms) that XML's seconds count from. */
    abstract Buffer comment(CommentWindows.Accepted c, boolean first, long origin);

    /** What closes the export. */
    abstract Buffer tail(boolean empty);

    /** Milliseconds as seconds with five decimals, exactly ("12.34500"). */
    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%d.%03d00", millis / 1000, millis % 1000);
    }

    private static int mode(CommentWindows.Accepted c) {
        return switch (c.draft().mode()) {
            case SCROLL -> 1;
            case TOP -> 5;
            case BOTTOM -> 4;
        };
    }

    static String userHash(String viewer) {
        CRC32 crc = new CRC32();
        crc.update(viewer.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }

    /** XML character data: markup characters escaped; what XML 1.0 cannot carry becomes U+FFFD. */
    static void escape(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            switch (cp) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                default -> {
                    boolean allowed = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF)
                            || (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000;
                    b.appendCodePoint(allowed ? cp : 0xFFFD);
                }
            }
        }
    }
}
