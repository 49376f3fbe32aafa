package dev.amphi.core.comments;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.BreakIterator;
import com.ibm.icu.text.Normalizer2;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The text of a comment: decoded strictly, cleaned, and measured the way a viewer sees it.
 *
 * <p>Cleaning, in order: NFC; line breaks, tabs and other white space become one space, runs of
 * them one space, none at either end; control characters, the byte-order mark and the bidi
 * embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which could reorder what
 * follows the comment on a page, are removed. Left-to-right and right-to-left marks stay: they
 * only help mixed Hebrew or Arabic and Latin text read right. Zero-width joiners, variation
 * selectors and tag characters stay too: emoji sequences and subdivision flags are made of them.
 *
 * <p>Length is counted in extended grapheme clusters (ICU's character break iterator, Unicode's
 * rules), so 👨‍👩‍👧‍👦 (seven code points) and 🇯🇵 (two) are one each, as a viewer counts them.
 */
public final class CommentText {

    /** The most grapheme clusters a comment may have. */
    public static final int MAX_GRAPHEMES = 100;
    /**
     * Longest text looked at, in UTF-16 units, before any work: 100 of the longest real clusters
     * (a family emoji, a subdivision flag) fit with room to spare.
     */
    static final int MAX_CHARS = 4096;

    private static final Normalizer2 NFC = Normalizer2.getNFCInstance();

    private CommentText() {
    }

    /**
     * Decodes UTF-8 strictly: a malformed or truncated sequence, an encoded surrogate or an
     * overlong form is refused (rule {@code text-encoding}) instead of being replaced.
     */
    public static String decode(byte[] utf8) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new CommentRefused("text-encoding", "the text is not valid UTF-8");
        }
    }

    /**
     * The cleaned text (see the class comment).
     *
     * @throws CommentRefused {@code text-encoding} for a lone surrogate, {@code text-empty} when nothing
     *                        is left, {@code text-too-long} over {@value #MAX_GRAPHEMES} grapheme clusters
     */
    public static String clean(String raw) {
        if (raw == null) {
            throw new CommentRefused("text-empty", "a comment needs a text");
        }
        if (raw.length() > MAX_CHARS) {
            throw tooLong();
        }
        String nfc = NFC.normalize(raw);
        StringBuilder out = new StringBuilder(nfc.length());
        boolean space = false;
        for (int i = 0; i < nfc.length(); ) {
            int cp = nfc.codePointAt(i);
            i += Character.charCount(cp);
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) { // unpaired: a pair is one code point
                throw new CommentRefused("text-encoding", "the text has an unpaired surrogate");
            }
            if (UCharacter.isUWhiteSpace(cp)) { // Unicode's White_Space: tabs, line breaks, no-break spaces too
                space = out.length() > 0;
                continue;
            }
            if (removed(cp)) {
                continue;
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            out.appendCodePoint(cp);
        }
        if (out.length() == 0) {
            throw new CommentRefused("text-empty", "the comment is empty");
        }
        String text = out.toString();
        if (graphemes(text) > MAX_GRAPHEMES) {
            throw tooLong();
        }
        return text;
    }

    private static CommentRefused tooLong() {
        return new CommentRefused("text-too-long", "a comment has at most " + MAX_GRAPHEMES + " characters");
    }

    /** Control characters, the byte-order mark, bidi embeddings, overrides and isolates. */
    private static boolean removed(int cp) {
        return Character.getType(cp) == Character.CONTROL
                || cp == 0xFEFF
                || (cp >= 0x202A && cp <= 0x202E)
                || (cp >= 0x2066 && cp <= 0x2069);
    }

    /** Extended grapheme clusters in {@code text}. */
    public static int graphemes(String text) {
        BreakIterator it = BreakIterator.getCharacterInstance();
        it.setText(text);
        int n = 0;
        it.first();
        while (it.next() != BreakIterator.DONE) {
            n++;
        }
        return n;
    }

    /**
     * Whether every grapheme cluster of a cleaned text (spaces aside) is an emoji: an RGI emoji
     * (Unicode's recommended set: single emoji, keycaps, flags, modifier and ZWJ sequences), or one
     * typed without its emoji variation selector (❤ for ❤️).
     */
    public static boolean emojiOnly(String text) {
        BreakIterator it = BreakIterator.getCharacterInstance();
        it.setText(text);
        int start = it.first();
        boolean any = false;
        for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String cluster = text.substring(start, end);
            if (cluster.equals(" ")) {
                continue;
            }
            if (!UCharacter.hasBinaryProperty(cluster, UProperty.RGI_EMOJI)
                    && !UCharacter.hasBinaryProperty(cluster + "\uFE0F", UProperty.RGI_EMOJI)) {
                return false;
            }
            any = true;
        }
        return any;
    }
}
