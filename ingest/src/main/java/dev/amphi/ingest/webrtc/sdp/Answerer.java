package dev.amphi.ingest.webrtc.sdp;

import dev.amphi.media.MediaKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides which media sections of an offer the server accepts and what it agrees on; {@link
 * AnswerWriter} turns the decision into text.
 */
final class Answerer {

    static final String PROTO = "UDP/TLS/RTP/SAVPF";

    /** Header extensions the RTP layer reads or writes; all others are left out of the answer. */
    static final Set<String> EXTENSIONS = Set.of(
            "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
            "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
            "urn:ietf:params:rtp-hdrext:sdes:mid");

    /** An accepted section: the offer's, the codec choice, and the extensions kept. */
    record Accepted(MediaDescription offer, CodecChooser.Choice choice, List<Extmap> extmaps, Direction direction) {
    }

    /** One section of the answer in the offer's order: accepted (choice set) or rejected (reason set). */
    record Section(MediaDescription offer, Accepted accepted, String reason) {
    }

    private Answerer() {
    }

    static Answer answer(SessionDescription offer, ServerParameters server) {
        if (offer.media().isEmpty()) {
            throw new SdpException(0, "the offer has no media sections");
        }
        if (offer.iceLite()) {
            throw new SdpException(0, "the offer is ICE-lite like the server; one side must be a full ICE agent");
        }
        Group bundle = offer.bundle();
        List<Section> sections = new ArrayList<>();
        List<NegotiatedMedia> media = new ArrayList<>();
        List<RejectedMedia> rejected = new ArrayList<>();
        TransportAttributes remote = null;
        for (MediaDescription m : offer.media()) {
            TransportAttributes t = offer.transportOf(m);
            String reason = refusal(m, t, bundle);
            CodecChooser.Choice choice = null;
            if (reason == null) {
                choice = CodecChooser.choose(m);
                if (choice == null) {
                    reason = "no codec Amphi takes among " + CodecChooser.offered(m)
                            + (m.kind().equalsIgnoreCase("audio") ? " (audio: Opus 48000/2)"
                                    : " (video: H.264 packetization-mode=1 Constrained Baseline, Baseline or"
                                            + " Constrained High, or VP8)");
                }
            }
            if (reason != null) {
                sections.add(new Section(m, null, reason));
                rejected.add(new RejectedMedia(m.mid(), m.label(), reason));
                continue;
            }
            if (remote == null && !m.bundleOnly()) {
                remote = t;
            }
            Accepted a = new Accepted(m, choice, keptExtensions(m), m.direction().reverse());
            sections.add(new Section(m, a, null));
            media.add(negotiated(a));
        }
        if (media.isEmpty()) {
            StringBuilder why = new StringBuilder("no media section can be accepted: ");
            for (int i = 0; i < rejected.size(); i++) {
                RejectedMedia r = rejected.get(i);
                why.append(i == 0 ? "" : "; ").append(r.label()).append(": ").append(r.reason());
            }
            throw new SdpException(0, why.toString());
        }
        if (remote == null) {
            throw new SdpException(0, "every accepted media section is bundle-only; none carries the ICE and DTLS"
                    + " attributes");
        }
        List<Fingerprint> fingerprints = remote.fingerprints().stream().filter(Fingerprint::supported).toList();
        NegotiatedSession session = new NegotiatedSession(server.ice(), remote.iceUfrag(), remote.icePwd(),
                fingerprints, media, rejected);
        return new Answer(AnswerWriter.write(sections, server), session);
    }

    /** Why {@code m} cannot be accepted whatever its codecs, or null. */
    private static String refusal(MediaDescription m, TransportAttributes t, Group bundle) {
        String kind = m.kind().toLowerCase(Locale.ROOT);
        if (!kind.equals("audio") && !kind.equals("video")) {
            return "'" + m.kind() + "' media is not supported (audio and video only)";
        }
        if (m.port() == 0 && !m.bundleOnly()) {
            return "the offer disabled it (port 0)";
        }
        if (!m.proto().equalsIgnoreCase(PROTO)) {
            return "transport " + SdpException.quote(m.proto()) + " is not supported (" + PROTO + " only)";
        }
        if (m.mid() == null) {
            return "it has no a=mid";
        }
        if (bundle == null || !bundle.mids().contains(m.mid())) {
            return "it is not in the offer's BUNDLE group (all media share one transport)";
        }
        if (!m.rtcpMux()) {
            return "it has no a=rtcp-mux (RTCP must share the media port)";
        }
        if (m.bundleOnly()) {
            return null; // its transport is the BUNDLE-tagged section's
        }
        if (t.iceUfrag() == null || t.icePwd() == null) {
            return "it has no a=ice-ufrag and a=ice-pwd";
        }
        if (t.fingerprints().stream().noneMatch(Fingerprint::supported)) {
            return "it has no a=fingerprint with sha-256, sha-384 or sha-512 (DTLS-SRTP is required)";
        }
        if (t.setup() == Setup.PASSIVE || t.setup() == Setup.HOLDCONN) {
            return "a=setup:" + t.setup().value() + " is not supported: the server is the DTLS server"
                    + " (offer actpass or active)";
        }
        return null;
    }

    private static List<Extmap> keptExtensions(MediaDescription m) {
        List<Extmap> kept = new ArrayList<>();
        for (Extmap e : m.extmaps()) {
            if (EXTENSIONS.contains(e.uri()) && e.direction() != Direction.INACTIVE) {
                kept.add(new Extmap(e.id(), e.direction() == null ? null : e.direction().reverse(), e.uri()));
            }
        }
        return kept;
    }

    private static NegotiatedMedia negotiated(Accepted a) {
        MediaDescription m = a.offer();
        Map<Long, Long> rtxSsrcs = new LinkedHashMap<>();
        for (SsrcGroup g : m.ssrcGroups()) {
            if (g.semantics().equalsIgnoreCase("FID") && g.ssrcs().size() == 2) {
                rtxSsrcs.put(g.ssrcs().get(0), g.ssrcs().get(1));
            }
        }
        List<Long> ssrcs = new ArrayList<>();
        for (SsrcAttribute s : m.ssrcs()) {
            if (!ssrcs.contains(s.ssrc()) && !rtxSsrcs.containsValue(s.ssrc())) {
                ssrcs.add(s.ssrc());
            }
        }
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (Extmap e : a.extmaps()) {
            ids.put(e.uri(), e.id());
        }
        Codec codec = a.choice().codec();
        MediaKind kind = m.kind().equalsIgnoreCase("audio") ? MediaKind.AUDIO : MediaKind.VIDEO;
        return new NegotiatedMedia(m.mid(), kind, a.direction(), codec, a.choice().rtxPayloadType(),
                codec.clockRate(), ssrcs, rtxSsrcs, ids, a.choice().feedback(), m.rtcpRsize(),
                m.simulcast() != null || !m.rids().isEmpty());
    }
}
