package dev.amphi.ingest.webrtc.sdp;

import static dev.amphi.ingest.webrtc.sdp.SdpException.quote;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The line loop of RFC 8866: splits the text (CRLF or LF), checks each line's form and the order of
 * the session-level lines, and hands attributes to a {@link SectionParser} per section.
 */
final class SdpParser {

    private final SdpLimits limits;

    SdpParser(SdpLimits limits) {
        this.limits = limits;
    }

    SessionDescription parse(String text) {
        if (text.length() > limits.maxChars()) {
            throw new SdpException(0, "the description is " + text.length() + " characters long; the limit is "
                    + limits.maxChars());
        }
        if (text.isBlank()) {
            throw new SdpException(0, "the description is empty");
        }
        SectionParser session = new SectionParser(0, true);
        List<SectionParser> media = new ArrayList<>();
        SectionParser current = session;
        String origin = null;
        String sessionName = null;
        boolean timing = false;
        int lineNo = 0;
        int pos = 0;
        int length = text.length();
        while (pos < length) {
            int nl = text.indexOf('\n', pos);
            int end = nl < 0 ? length : nl;
            int next = nl < 0 ? length : nl + 1;
            if (end > pos && text.charAt(end - 1) == '\r') {
                end--;
            }
            lineNo++;
            if (end - pos > limits.maxLineLength()) {
                throw new SdpException(lineNo, "longer than " + limits.maxLineLength() + " characters");
            }
            String line = text.substring(pos, end);
            pos = next;
            if (line.isEmpty()) {
                if (text.substring(pos).isBlank()) {
                    break;
                }
                throw new SdpException(lineNo, "empty line");
            }
            checkCharacters(lineNo, line);
            if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
                throw new SdpException(lineNo, "not a <letter>=<value> line: " + quote(line));
            }
            char type = line.charAt(0);
            String value = line.substring(2);
            if (lineNo == 1) {
                if (type != 'v' || !value.trim().equals("0")) {
                    throw new SdpException(1, "a session description starts with v=0");
                }
                continue;
            }
            boolean inSession = current == session;
            switch (type) {
                case 'v' -> throw new SdpException(lineNo, "v= belongs on the first line only");
                case 'o' -> {
                    requireSession(lineNo, inSession, type);
                    if (origin != null) {
                        throw new SdpException(lineNo, "second o= line");
                    }
                    if (fields(value).length != 6) {
                        throw new SdpException(lineNo, "o= line needs 6 fields (username sess-id sess-version"
                                + " nettype addrtype address)");
                    }
                    origin = value;
                }
                case 's' -> {
                    requireSession(lineNo, inSession, type);
                    if (sessionName != null) {
                        throw new SdpException(lineNo, "second s= line");
                    }
                    sessionName = value;
                }
                case 't' -> {
                    requireSession(lineNo, inSession, type);
                    String[] f = fields(value);
                    if (f.length != 2 || !f[0].matches("\\d{1,20}") || !f[1].matches("\\d{1,20}")) {
                        throw new SdpException(lineNo, "t= line needs 2 numbers (start stop)");
                    }
                    timing = true;
                }
                case 'r', 'z', 'u', 'e', 'p' -> requireSession(lineNo, inSession, type);
                case 'i', 'b', 'k' -> {
                    // informational, bandwidth and (obsolete) key lines: read, not used
                }
                case 'c' -> {
                    String[] f = fields(value);
                    if (f.length != 3 || !f[0].equals("IN")) {
                        throw new SdpException(lineNo, "c= line needs 3 fields (IN addrtype address)");
                    }
                }
                case 'm' -> {
                    if (origin == null || sessionName == null || !timing) {
                        throw new SdpException(lineNo, "m= line before the session's "
                                + (origin == null ? "o=" : sessionName == null ? "s=" : "t=") + " line");
                    }
                    if (media.size() == limits.maxMediaSections()) {
                        throw new SdpException(lineNo, "more than " + limits.maxMediaSections() + " media sections");
                    }
                    current = SectionParser.media(lineNo, fields(value));
                    media.add(current);
                }
                case 'a' -> current.attribute(lineNo, value);
                default -> throw new SdpException(lineNo, "unknown line type '" + type + "='");
            }
        }
        if (origin == null) {
            throw new SdpException(0, "the description has no o= line");
        }
        if (sessionName == null) {
            throw new SdpException(0, "the description has no s= line");
        }
        if (!timing) {
            throw new SdpException(0, "the description has no t= line");
        }
        List<MediaDescription> sections = new ArrayList<>(media.size());
        Map<String, Integer> mids = new HashMap<>();
        for (SectionParser m : media) {
            MediaDescription section = m.toMedia();
            if (section.mid() != null) {
                Integer first = mids.putIfAbsent(section.mid(), section.line());
                if (first != null) {
                    throw new SdpException(section.line(), "a=mid:" + section.mid()
                            + " is already the mid of the m= section of line " + first);
                }
            }
            sections.add(section);
        }
        List<Group> groups = session.groups();
        for (Group g : groups) {
            if (!g.isBundle()) {
                continue;
            }
            for (String mid : g.mids()) {
                if (!mids.containsKey(mid)) {
                    throw new SdpException(g.line(), "a=group:BUNDLE names mid " + quote(mid)
                            + " that no media section has");
                }
            }
        }
        return new SessionDescription(origin, sessionName, groups, session.transport(), session.iceLite(),
                sections, session.attributes());
    }

    private static void requireSession(int lineNo, boolean inSession, char type) {
        if (!inSession) {
            throw new SdpException(lineNo, type + "= belongs to the session, before the first m= line");
        }
    }

    private static void checkCharacters(int lineNo, String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new SdpException(lineNo, String.format("control character 0x%02x at column %d", (int) c, i + 1));
            }
        }
    }

    /** The space- (or tab-) separated fields of a value, empty ones dropped. */
    static String[] fields(String value) {
        String trimmed = value.strip();
        return trimmed.isEmpty() ? new String[0] : trimmed.split("[ \t]+");
    }
}
