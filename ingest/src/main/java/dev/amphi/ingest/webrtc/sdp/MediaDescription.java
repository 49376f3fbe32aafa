package dev.amphi.ingest.webrtc.sdp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One media section ({@code m=} line and what follows it) of a parsed description.
 *
 * @param line         the line number of its {@code m=} line
 * @param kind         the media type as written, e.g. {@code audio}, {@code video}, {@code application}
 * @param port         the port of the {@code m=} line (0: disabled, unless {@code bundleOnly})
 * @param proto        the transport protocol, e.g. {@code UDP/TLS/RTP/SAVPF}
 * @param formats      the formats of the {@code m=} line, in the offerer's order of preference
 * @param mid          {@code a=mid}, or null
 * @param direction    the direction attribute, {@link Direction#SENDRECV} when there is none
 * @param rtpMaps      {@code a=rtpmap} by payload type
 * @param fmtps        {@code a=fmtp} parameters by payload type, as written
 * @param rtcpFeedback every {@code a=rtcp-fb}
 * @param extmaps      every {@code a=extmap}
 * @param ssrcs        every {@code a=ssrc}
 * @param ssrcGroups   every {@code a=ssrc-group}
 * @param msid         {@code a=msid}, or null
 * @param transport    this section's own ICE and DTLS attributes (see {@link TransportAttributes#orElse})
 * @param rtcpMux      {@code a=rtcp-mux} present
 * @param rtcpRsize    {@code a=rtcp-rsize} present
 * @param bundleOnly   {@code a=bundle-only} present
 * @param candidates   every {@code a=candidate}
 * @param rids         every {@code a=rid} value (simulcast, which Amphi does not support)
 * @param simulcast    {@code a=simulcast} value, or null
 * @param attributes   every {@code a=} line of the section, in order, interpreted or not
 */
public record MediaDescription(int line, String kind, int port, String proto, List<String> formats, String mid,
        Direction direction, Map<Integer, RtpMap> rtpMaps, Map<Integer, String> fmtps,
        List<RtcpFeedback> rtcpFeedback, List<Extmap> extmaps, List<SsrcAttribute> ssrcs,
        List<SsrcGroup> ssrcGroups, String msid, TransportAttributes transport, boolean rtcpMux,
        boolean rtcpRsize, boolean bundleOnly, List<Candidate> candidates, List<String> rids, String simulcast,
        List<Attribute> attributes) {

    public MediaDescription {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(proto, "proto");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(transport, "transport");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        formats = List.copyOf(formats);
        rtpMaps = Map.copyOf(rtpMaps);
        fmtps = Map.copyOf(fmtps);
        rtcpFeedback = List.copyOf(rtcpFeedback);
        extmaps = List.copyOf(extmaps);
        ssrcs = List.copyOf(ssrcs);
        ssrcGroups = List.copyOf(ssrcGroups);
        candidates = List.copyOf(candidates);
        rids = List.copyOf(rids);
        attributes = List.copyOf(attributes);
    }

    /** The fmtp parameters of {@code payloadType} as an ordered map (keys in lower case); empty if none. */
    public Map<String, String> fmtpParameters(int payloadType) {
        return parameters(fmtps.get(payloadType));
    }

    /** {@code key=value;key=value} → an ordered map, keys in lower case; a part without '=' maps to "". */
    static Map<String, String> parameters(String fmtp) {
        Map<String, String> out = new LinkedHashMap<>();
        if (fmtp == null) {
            return out;
        }
        for (String part : fmtp.split(";")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String key = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            out.putIfAbsent(key, eq < 0 ? "" : p.substring(eq + 1).trim());
        }
        return out;
    }

    /** A short name for messages: {@code mid 1 (video)}, or {@code the m= section of line 12 (video)}. */
    public String label() {
        return (mid != null ? "mid " + mid : "the m= section of line " + line) + " (" + kind + ")";
    }
}
