package dev.amphi.server;

import java.util.Optional;

/**
 * A speaker's display name, from the publish URL's {@code ?name=}: it shows on the speaker's tile,
 * in the API and in logs, so only a name's characters are allowed. Letters of any script with
 * their combining marks, digits, spaces (any Unicode space) and the marks {@value #PUNCTUATION}; at most
 * {@value #MAX_LENGTH} characters; spaces around it are dropped and runs of spaces become one.
 * Anything else ({@code ../../x}, {@code <script>}, control characters) is refused.
 */
final class SpeakerNames {

    static final int MAX_LENGTH = 64;
    static final String PUNCTUATION = "-_.'’()";

    private SpeakerNames() {
    }

    /**
     * The display name {@code raw} stands for; empty when it is blank (the publisher is a guest).
     *
     * @throws IllegalArgumentException saying what is wrong, without repeating the name
     */
    static Optional<String> parse(String raw) {
        StringBuilder b = new StringBuilder();
        int length = 0;
        boolean space = false;
        for (int i = 0; i < raw.length(); ) {
            int c = raw.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isSpaceChar(c)) { // any Unicode space (no-break, ideographic) counts as one
                space = b.length() > 0;
                continue;
            }
            if (!allowed(c)) {
                throw new IllegalArgumentException("a speaker name (?name=) may only have letters, digits, spaces and "
                        + String.join(" ", PUNCTUATION.split("")));
            }
            if (space) {
                b.append(' ');
                length++;
                space = false;
            }
            b.appendCodePoint(c);
            length++;
            if (length > MAX_LENGTH) {
                throw new IllegalArgumentException("a speaker name (?name=) has at most " + MAX_LENGTH + " characters");
            }
        }
        return b.length() == 0 ? Optional.empty() : Optional.of(b.toString());
    }

    private static boolean allowed(int c) {
        if (Character.isLetter(c) || Character.isDigit(c) || PUNCTUATION.indexOf(c) >= 0) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
    }
}
