package dev.amphi.ingest.webrtc.sdp;

/**
 * A session description that Amphi cannot use: malformed, over a limit, or with nothing the server
 * can accept. The message names the line (when one is to blame) and the rule, and is meant for the
 * client (the WHIP endpoint answers 400 with it); values quoted from the input are shortened and
 * stripped of control characters.
 */
public final class SdpException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private static final int MAX_QUOTED = 40;

    private final int line;
    private final String rule;

    /**
     * @param line the 1-based line number, or 0 when the description as a whole is to blame
     * @param rule what was wrong, e.g. "m= line needs 4 fields"
     */
    public SdpException(int line, String rule) {
        super(line > 0 ? "line " + line + ": " + rule : rule);
        this.line = Math.max(0, line);
        this.rule = rule;
    }

    /** The 1-based line number, or 0 when the description as a whole is to blame. */
    public int line() {
        return line;
    }

    /** What was wrong, without the line number. */
    public String rule() {
        return rule;
    }

    /** {@code value} in single quotes, at most 40 characters, control characters replaced by '?'. */
    static String quote(String value) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_QUOTED) + 5).append('\'');
        for (int i = 0; i < value.length() && i < MAX_QUOTED; i++) {
            char c = value.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (value.length() > MAX_QUOTED) {
            out.append("...");
        }
        return out.append('\'').toString();
    }
}
