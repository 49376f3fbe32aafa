package dev.amphi.ingest.webrtc.sdp;

import java.util.List;
import java.util.Locale;

/**
 * Writes an answer (RFC 8829 §5.3 shape, CRLF): session lines with {@code a=ice-lite} and one BUNDLE
 * group of the accepted mids; every accepted section on the same port with the same ICE and DTLS
 * attributes and all host candidates (what browsers and libdatachannel expect of a bundled
 * answer); the server's {@code a=ssrc}/{@code a=msid} where it sends; rejected sections with port 0.
 */
final class AnswerWriter {

    private static final String CRLF = "\r\n";

    private AnswerWriter() {
    }

    static String write(List<Answerer.Section> sections, ServerParameters server) {
        StringBuilder out = new StringBuilder(2048);
        String first = server.hostAddresses().get(0);
        line(out, "v=0");
        line(out, "o=- " + server.sessionId() + " 2 IN " + addressType(first) + " " + first);
        line(out, "s=-");
        line(out, "t=0 0");
        line(out, "a=ice-lite");
        StringBuilder group = new StringBuilder("a=group:BUNDLE");
        for (Answerer.Section s : sections) {
            if (s.accepted() != null) {
                group.append(' ').append(s.offer().mid());
            }
        }
        line(out, group.toString());
        for (Answerer.Section s : sections) {
            if (s.accepted() == null) {
                rejected(out, s.offer());
            } else {
                accepted(out, s.accepted(), server);
            }
        }
        return out.toString();
    }

    private static void rejected(StringBuilder out, MediaDescription m) {
        line(out, "m=" + m.kind() + " 0 " + m.proto() + " " + String.join(" ", m.formats()));
        line(out, "c=IN IP4 0.0.0.0");
        if (m.mid() != null) {
            line(out, "a=mid:" + m.mid());
        }
    }

    private static void accepted(StringBuilder out, Answerer.Accepted a, ServerParameters server) {
        MediaDescription m = a.offer();
        CodecChooser.Choice c = a.choice();
        Codec codec = c.codec();
        String formats = codec.payloadType() + (c.rtxPayloadType().isPresent()
                ? " " + c.rtxPayloadType().getAsInt() : "");
        String first = server.hostAddresses().get(0);
        line(out, "m=" + m.kind() + " " + server.udpPort() + " " + Answerer.PROTO + " " + formats);
        line(out, "c=IN " + addressType(first) + " " + first);
        line(out, "a=mid:" + m.mid());
        line(out, "a=ice-ufrag:" + server.ice().ufrag());
        line(out, "a=ice-pwd:" + server.ice().pwd());
        line(out, "a=fingerprint:sha-256 " + server.fingerprintSha256());
        line(out, "a=setup:passive");
        line(out, "a=" + a.direction().attribute());
        line(out, "a=rtcp-mux");
        if (m.rtcpRsize()) {
            line(out, "a=rtcp-rsize");
        }
        for (Extmap e : a.extmaps()) {
            line(out, "a=extmap:" + e.id() + (e.direction() == null ? "" : "/" + e.direction().attribute())
                    + " " + e.uri());
        }
        line(out, "a=rtpmap:" + codec.payloadType() + " " + codec.encoding() + "/" + codec.clockRate()
                + (codec.channels() > 1 ? "/" + codec.channels() : ""));
        for (String fb : c.feedback()) {
            line(out, "a=rtcp-fb:" + codec.payloadType() + " " + fb);
        }
        if (!codec.fmtp().isEmpty()) {
            line(out, "a=fmtp:" + codec.payloadType() + " " + codec.fmtp());
        }
        if (c.rtxPayloadType().isPresent()) {
            int rtx = c.rtxPayloadType().getAsInt();
            line(out, "a=rtpmap:" + rtx + " " + c.rtxEncoding() + "/" + codec.clockRate());
            line(out, "a=fmtp:" + rtx + " " + c.rtxFmtp());
        }
        if (a.direction().sends()) {
            boolean audio = m.kind().equalsIgnoreCase("audio");
            long ssrc = audio ? server.audioSsrc() : server.videoSsrc();
            long rtxSsrc = !audio && c.rtxPayloadType().isPresent() ? server.videoRtxSsrc() : 0;
            String track = server.streamId() + "-" + m.kind().toLowerCase(Locale.ROOT);
            String msid = server.streamId() + " " + track;
            line(out, "a=msid:" + msid);
            if (rtxSsrc != 0) {
                line(out, "a=ssrc-group:FID " + ssrc + " " + rtxSsrc);
            }
            for (long s : rtxSsrc != 0 ? new long[] {ssrc, rtxSsrc} : new long[] {ssrc}) {
                line(out, "a=ssrc:" + s + " cname:" + server.cname());
                line(out, "a=ssrc:" + s + " msid:" + msid);
            }
        }
        List<String> hosts = server.hostAddresses();
        for (int i = 0; i < hosts.size(); i++) {
            // RFC 8445 §5.1.2.1: type preference 126 (host), local preference 65535 - i, component 1
            long priority = (126L << 24) | ((65535L - i) << 8) | 255;
            line(out, "a=candidate:" + (i + 1) + " 1 udp " + priority + " " + hosts.get(i) + " "
                    + server.udpPort() + " typ host");
        }
        line(out, "a=end-of-candidates");
    }

    private static String addressType(String address) {
        return address.indexOf(':') >= 0 ? "IP6" : "IP4";
    }

    private static void line(StringBuilder out, String text) {
        out.append(text).append(CRLF);
    }
}
