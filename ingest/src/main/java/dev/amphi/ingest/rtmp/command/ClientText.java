package dev.amphi.ingest.rtmp.command;

/** Strings a client sent, made fit for a log line or split into their parts. */
final class ClientText {

    private ClientText() {
    }

    /** A client-supplied string made safe for one log line: control characters replaced, length bounded. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 100));
        for (int i = 0; i < s.length() && i < 100; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f || Character.isSurrogate(c) ? '?' : c);
        }
        return s.length() > 100 ? b + "..." : b.toString();
    }

    /**
     * The first path segment of an application name, for logs ({@code live} of {@code live/KEY}: an
     * encoder configured with the key in its server URL sends the key as part of the application).
     */
    static String firstSegment(String app) {
        int slash = app.indexOf('/');
        return printable(slash < 0 ? app : app.substring(0, slash) + "/...");
    }

    /** {@code key?token=x} → {@code key}. */
    static String stripQuery(String s) {
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q);
    }
}
