package dev.amphi.ingest.webrtc.sdp;

import static dev.amphi.ingest.webrtc.sdp.SdpException.quote;
import static dev.amphi.ingest.webrtc.sdp.SdpParser.fields;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Collects and checks the attributes of the session or of one media section. */
final class SectionParser {

    private static final String ICE_CHARS = "[A-Za-z0-9+/]";
    private static final String TOKEN = "[!#$%&'*+\\-.0-9A-Z^_`a-z{|}~]+";

    private final int line;
    private final boolean session;
    private String kind;
    private int port;
    private String proto;
    private List<String> formats = List.of();
    private final List<Attribute> attributes = new ArrayList<>();
    private final List<Group> groups = new ArrayList<>();
    private String mid;
    private Direction direction;
    private final Map<Integer, RtpMap> rtpMaps = new LinkedHashMap<>();
    private final Map<Integer, String> fmtps = new LinkedHashMap<>();
    private final List<RtcpFeedback> rtcpFeedback = new ArrayList<>();
    private final List<Extmap> extmaps = new ArrayList<>();
    private final List<SsrcAttribute> ssrcs = new ArrayList<>();
    private final List<SsrcGroup> ssrcGroups = new ArrayList<>();
    private String msid;
    private String iceUfrag;
    private String icePwd;
    private List<String> iceOptions = List.of();
    private final List<Fingerprint> fingerprints = new ArrayList<>();
    private Setup setup;
    private boolean rtcpMux;
    private boolean rtcpRsize;
    private boolean bundleOnly;
    private boolean iceLite;
    private final List<Candidate> candidates = new ArrayList<>();
    private final List<String> rids = new ArrayList<>();
    private String simulcast;

    SectionParser(int line, boolean session) {
        this.line = line;
        this.session = session;
    }

    /** A media section from its {@code m=} line's fields. */
    static SectionParser media(int line, String[] f) {
        if (f.length < 4) {
            throw new SdpException(line, "m= line needs 4 fields (media port proto formats), has " + f.length);
        }
        SectionParser s = new SectionParser(line, false);
        s.kind = f[0];
        if (!f[0].matches(TOKEN)) {
            throw new SdpException(line, "m= media type " + quote(f[0]) + " is not a token");
        }
        String portText = f[1];
        int slash = portText.indexOf('/');
        if (slash >= 0) {
            number(line, portText.substring(slash + 1), 1, 65535, "m= port count");
            portText = portText.substring(0, slash);
        }
        s.port = number(line, portText, 0, 65535, "m= port");
        s.proto = f[2];
        boolean rtp = f[2].toUpperCase(Locale.ROOT).contains("RTP/");
        List<String> fmts = Arrays.asList(f).subList(3, f.length);
        if (rtp) {
            for (String fmt : fmts) {
                number(line, fmt, 0, 127, "payload type");
            }
        }
        s.formats = List.copyOf(fmts);
        return s;
    }

    void attribute(int lineNo, String text) {
        int colon = text.indexOf(':');
        String name = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? null : text.substring(colon + 1);
        if (!name.matches(TOKEN)) {
            throw new SdpException(lineNo, "attribute name " + quote(name) + " is not a token");
        }
        attributes.add(new Attribute(lineNo, name, value));
        switch (name.toLowerCase(Locale.ROOT)) {
            case "mid" -> mid = once(lineNo, mid, "a=mid", token(lineNo, need(lineNo, value, name), "a=mid", 32));
            case "group" -> groups.add(group(lineNo, need(lineNo, value, name)));
            case "sendrecv", "sendonly", "recvonly", "inactive" -> direction = once(lineNo, direction,
                    "direction attribute", Direction.valueOf(name.toUpperCase(Locale.ROOT)));
            case "rtpmap" -> rtpMap(lineNo, need(lineNo, value, name));
            case "fmtp" -> {
                String[] f = need(lineNo, value, name).strip().split("[ \t]+", 2);
                int pt = number(lineNo, f[0], 0, 127, "a=fmtp payload type");
                fmtps.putIfAbsent(pt, f.length > 1 ? f[1].strip() : "");
            }
            case "rtcp-fb" -> {
                String[] f = fields(need(lineNo, value, name));
                if (f.length < 2) {
                    throw new SdpException(lineNo, "a=rtcp-fb needs a payload type and a feedback type");
                }
                int pt = f[0].equals("*") ? -1 : number(lineNo, f[0], 0, 127, "a=rtcp-fb payload type");
                rtcpFeedback.add(new RtcpFeedback(pt, String.join(" ", Arrays.asList(f).subList(1, f.length))));
            }
            case "extmap" -> extmap(lineNo, need(lineNo, value, name));
            case "ssrc" -> ssrc(lineNo, need(lineNo, value, name));
            case "ssrc-group" -> {
                String[] f = fields(need(lineNo, value, name));
                if (f.length < 2) {
                    throw new SdpException(lineNo, "a=ssrc-group needs semantics and at least one ssrc");
                }
                List<Long> list = new ArrayList<>();
                for (int i = 1; i < f.length; i++) {
                    list.add(ssrcNumber(lineNo, f[i]));
                }
                ssrcGroups.add(new SsrcGroup(f[0], list));
            }
            case "msid" -> msid = once(lineNo, msid, "a=msid", need(lineNo, value, name).strip());
            case "ice-ufrag" -> iceUfrag = once(lineNo, iceUfrag, "a=ice-ufrag",
                    iceString(lineNo, value, "a=ice-ufrag", 4));
            case "ice-pwd" -> icePwd = once(lineNo, icePwd, "a=ice-pwd", iceString(lineNo, value, "a=ice-pwd", 22));
            case "ice-options" -> iceOptions = List.of(fields(need(lineNo, value, name)));
            case "fingerprint" -> fingerprints.add(fingerprint(lineNo, need(lineNo, value, name)));
            case "setup" -> setup = once(lineNo, setup, "a=setup", setup(lineNo, need(lineNo, value, name)));
            case "rtcp-mux" -> rtcpMux = true;
            case "rtcp-rsize" -> rtcpRsize = true;
            case "bundle-only" -> bundleOnly = true;
            case "ice-lite" -> iceLite = true;
            case "candidate" -> candidates.add(candidate(lineNo, need(lineNo, value, name)));
            case "rid" -> rids.add(need(lineNo, value, name).strip());
            case "simulcast" -> simulcast = once(lineNo, simulcast, "a=simulcast", need(lineNo, value, name).strip());
            default -> {
                // kept in attributes, not interpreted
            }
        }
    }

    MediaDescription toMedia() {
        return new MediaDescription(line, kind, port, proto, formats, mid,
                direction == null ? Direction.SENDRECV : direction, rtpMaps, fmtps, rtcpFeedback, extmaps, ssrcs,
                ssrcGroups, msid, transport(), rtcpMux, rtcpRsize, bundleOnly, candidates, rids, simulcast,
                attributes);
    }

    TransportAttributes transport() {
        return new TransportAttributes(iceUfrag, icePwd, iceOptions, fingerprints, setup);
    }

    List<Group> groups() {
        return groups;
    }

    boolean iceLite() {
        return iceLite;
    }

    List<Attribute> attributes() {
        return attributes;
    }

    private void rtpMap(int lineNo, String value) {
        String[] f = fields(value);
        String rule = "a=rtpmap needs '<payload type> <encoding>/<clock rate>[/<channels>]'";
        if (f.length != 2) {
            throw new SdpException(lineNo, rule);
        }
        int pt = number(lineNo, f[0], 0, 127, "a=rtpmap payload type");
        String[] enc = f[1].split("/", -1);
        if (enc.length < 2 || enc.length > 3 || !enc[0].matches(TOKEN)) {
            throw new SdpException(lineNo, rule);
        }
        int clock = number(lineNo, enc[1], 1, 1_000_000_000, "a=rtpmap clock rate");
        int channels = enc.length == 3 ? number(lineNo, enc[2], 1, 255, "a=rtpmap channel count") : 1;
        if (rtpMaps.putIfAbsent(pt, new RtpMap(pt, enc[0], clock, channels)) != null) {
            throw new SdpException(lineNo, "second a=rtpmap for payload type " + pt);
        }
    }

    private void extmap(int lineNo, String value) {
        String[] f = fields(value);
        if (f.length < 2) {
            throw new SdpException(lineNo, "a=extmap needs '<id>[/<direction>] <uri>'");
        }
        String idText = f[0];
        Direction dir = null;
        int slash = idText.indexOf('/');
        if (slash >= 0) {
            String d = idText.substring(slash + 1).toUpperCase(Locale.ROOT);
            try {
                dir = Direction.valueOf(d);
            } catch (IllegalArgumentException e) {
                throw new SdpException(lineNo, "a=extmap direction " + quote(idText.substring(slash + 1))
                        + " is not sendrecv, sendonly, recvonly or inactive");
            }
            idText = idText.substring(0, slash);
        }
        int id = number(lineNo, idText, 1, 255, "a=extmap id");
        for (Extmap e : extmaps) {
            if (e.id() == id) {
                throw new SdpException(lineNo, "a=extmap id " + id + " is already used for " + quote(e.uri()));
            }
        }
        extmaps.add(new Extmap(id, dir, f[1]));
    }

    private void ssrc(int lineNo, String value) {
        String v = value.strip();
        int sp = v.indexOf(' ');
        if (sp < 0) {
            throw new SdpException(lineNo, "a=ssrc needs '<ssrc> <attribute>[:<value>]'");
        }
        long ssrc = ssrcNumber(lineNo, v.substring(0, sp));
        String rest = v.substring(sp + 1).strip();
        int colon = rest.indexOf(':');
        String attr = colon < 0 ? rest : rest.substring(0, colon);
        if (attr.isEmpty()) {
            throw new SdpException(lineNo, "a=ssrc needs '<ssrc> <attribute>[:<value>]'");
        }
        ssrcs.add(new SsrcAttribute(ssrc, attr, colon < 0 ? null : rest.substring(colon + 1)));
    }

    private static Group group(int lineNo, String value) {
        String[] f = fields(value);
        if (f.length == 0) {
            throw new SdpException(lineNo, "a=group needs semantics");
        }
        List<String> mids = Arrays.asList(f).subList(1, f.length);
        if (mids.stream().distinct().count() != mids.size()) {
            throw new SdpException(lineNo, "a=group:" + f[0] + " names a mid twice");
        }
        return new Group(lineNo, f[0], mids);
    }

    private static Fingerprint fingerprint(int lineNo, String value) {
        String[] f = fields(value);
        if (f.length != 2) {
            throw new SdpException(lineNo, "a=fingerprint needs '<hash function> <hex bytes>'");
        }
        String alg = f[0].toLowerCase(Locale.ROOT);
        if (!f[1].matches("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){0,127}")) {
            throw new SdpException(lineNo, "a=fingerprint value is not hex byte pairs separated by ':'");
        }
        int expected = Fingerprint.digestLength(alg);
        int bytes = (f[1].length() + 1) / 3;
        if (expected != 0 && bytes != expected) {
            throw new SdpException(lineNo, "a=fingerprint " + alg + " needs " + expected + " bytes, has " + bytes);
        }
        return new Fingerprint(alg, f[1]);
    }

    private static Setup setup(int lineNo, String value) {
        try {
            return Setup.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SdpException(lineNo, "a=setup must be actpass, active, passive or holdconn, was " + quote(value));
        }
    }

    private static Candidate candidate(int lineNo, String value) {
        String[] f = fields(value);
        if (f.length < 8 || !f[6].equals("typ")) {
            throw new SdpException(lineNo, "a=candidate needs '<foundation> <component> <transport> <priority>"
                    + " <address> <port> typ <type>'");
        }
        int component = number(lineNo, f[1], 1, 256, "a=candidate component");
        long priority;
        try {
            priority = Long.parseLong(f[3]);
        } catch (NumberFormatException e) {
            priority = -1;
        }
        if (priority < 1 || priority > 0xFFFF_FFFFL) {
            throw new SdpException(lineNo, "a=candidate priority " + quote(f[3]) + " is not a number 1-4294967295");
        }
        int port = number(lineNo, f[5], 0, 65535, "a=candidate port");
        return new Candidate(f[0], component, f[2], priority, f[4], port, f[7]);
    }

    private static String iceString(int lineNo, String value, String name, int min) {
        String v = value == null ? "" : value.strip();
        if (!v.matches(ICE_CHARS + "{" + min + ",256}")) {
            throw new SdpException(lineNo, name + " must be " + min + "-256 characters of A-Z a-z 0-9 + /");
        }
        return v;
    }

    private static String token(int lineNo, String value, String name, int max) {
        String v = value.strip();
        if (v.isEmpty() || v.length() > max || !v.matches(TOKEN)) {
            throw new SdpException(lineNo, name + " must be a token of 1-" + max + " characters, was " + quote(v));
        }
        return v;
    }

    private static long ssrcNumber(int lineNo, String text) {
        if (text.matches("\\d{1,10}")) {
            long v = Long.parseLong(text);
            if (v <= 0xFFFF_FFFFL) {
                return v;
            }
        }
        throw new SdpException(lineNo, "ssrc " + quote(text) + " is not a number 0-4294967295");
    }

    static int number(int lineNo, String text, int min, int max, String what) {
        if (text.matches("\\d{1,10}")) {
            long v = Long.parseLong(text);
            if (v >= min && v <= max) {
                return (int) v;
            }
        }
        throw new SdpException(lineNo, what + " " + quote(text) + " is not a number " + min + "-" + max);
    }

    private static String need(int lineNo, String value, String name) {
        if (value == null || value.isBlank()) {
            throw new SdpException(lineNo, "a=" + name + " needs a value");
        }
        return value;
    }

    private <T> T once(int lineNo, T previous, String what, T value) {
        if (previous != null) {
            throw new SdpException(lineNo, "second " + what + " in the " + (session ? "session" : "media section"));
        }
        return value;
    }
}
