package dev.amphi.ingest.webrtc.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Chooses the one payload format a media section gets: Opus 48000/2 for audio; for video H.264 with
 * packetization-mode=1, Constrained Baseline (profile-level-id 42e0xx/42c0xx) before Baseline
 * (4200xx, also when no profile-level-id is given) before Constrained High (640cxx), then VP8; the
 * offer's order breaks ties. The RTX format whose apt is the chosen one comes along, as do the
 * RTCP feedback types the RTP layer implements.
 */
final class CodecChooser {

    /** RTCP feedback the RTP layer answers or sends. */
    static final Set<String> FEEDBACK = Set.of("nack", "nack pli", "ccm fir", "goog-remb", "transport-cc");

    /** The chosen format, its RTX payload type and its kept feedback. */
    record Choice(Codec codec, OptionalInt rtxPayloadType, String rtxEncoding, String rtxFmtp,
            List<String> feedback) {
    }

    private CodecChooser() {
    }

    /** The choice for {@code m}, or null when it offers nothing Amphi takes. */
    static Choice choose(MediaDescription m) {
        String kind = m.kind().toLowerCase(Locale.ROOT);
        Codec best = null;
        int bestRank = Integer.MAX_VALUE;
        for (String fmt : m.formats()) {
            int pt = Integer.parseInt(fmt);
            RtpMap map = m.rtpMaps().get(pt);
            if (map == null) {
                continue;
            }
            int rank = kind.equals("audio") ? audioRank(map) : kind.equals("video") ? videoRank(m, map) : -1;
            if (rank >= 0 && rank < bestRank) {
                bestRank = rank;
                best = new Codec(pt, map.encoding(), map.clockRate(), map.channels(), fmtp(m, map));
            }
        }
        if (best == null) {
            return null;
        }
        OptionalInt rtx = OptionalInt.empty();
        String rtxEncoding = null;
        String rtxFmtp = null;
        for (String fmt : m.formats()) {
            int pt = Integer.parseInt(fmt);
            RtpMap map = m.rtpMaps().get(pt);
            if (map != null && map.is("rtx", best.clockRate())
                    && String.valueOf(best.payloadType()).equals(m.fmtpParameters(pt).get("apt"))) {
                rtx = OptionalInt.of(pt);
                rtxEncoding = map.encoding();
                rtxFmtp = m.fmtps().get(pt);
                break;
            }
        }
        List<String> feedback = new ArrayList<>();
        for (RtcpFeedback fb : m.rtcpFeedback()) {
            String v = fb.value().toLowerCase(Locale.ROOT);
            if (fb.appliesTo(best.payloadType()) && FEEDBACK.contains(v) && !feedback.contains(v)) {
                feedback.add(v);
            }
        }
        return new Choice(best, rtx, rtxEncoding, rtxFmtp, feedback);
    }

    /** A short list of what {@code m} offers, for a refusal message: {@code G722/8000, PCMU/8000}. */
    static String offered(MediaDescription m) {
        List<String> names = new ArrayList<>();
        for (String fmt : m.formats()) {
            RtpMap map = m.rtpMaps().get(Integer.parseInt(fmt));
            String name = map == null ? "payload type " + fmt : map.encoding() + "/" + map.clockRate();
            if (names.size() == 8) {
                names.add("...");
                break;
            }
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        return names.isEmpty() ? "nothing" : String.join(", ", names);
    }

    private static int audioRank(RtpMap map) {
        return map.is("opus", 48000) && map.channels() == 2 ? 0 : -1;
    }

    private static int videoRank(MediaDescription m, RtpMap map) {
        if (map.is("VP8", 90000)) {
            return 10;
        }
        if (!map.is("H264", 90000)) {
            return -1;
        }
        Map<String, String> p = m.fmtpParameters(map.payloadType());
        if (!"1".equals(p.get("packetization-mode"))) {
            return -1;
        }
        String profile = p.getOrDefault("profile-level-id", "420010").toLowerCase(Locale.ROOT);
        if (!profile.matches("[0-9a-f]{6}")) {
            return -1;
        }
        return switch (profile.substring(0, 4)) {
            case "42e0", "42c0" -> 0;
            case "4200" -> 1;
            case "640c" -> 2;
            default -> -1;
        };
    }

    /** The answer's fmtp: Opus keeps minptime and useinbandfec; video formats echo the offer's. */
    private static String fmtp(MediaDescription m, RtpMap map) {
        if (map.is("opus", 48000)) {
            Map<String, String> p = m.fmtpParameters(map.payloadType());
            List<String> kept = new ArrayList<>();
            for (String key : List.of("minptime", "useinbandfec")) {
                if (p.containsKey(key)) {
                    kept.add(key + "=" + p.get(key));
                }
            }
            return String.join(";", kept);
        }
        return m.fmtps().getOrDefault(map.payloadType(), "");
    }
}
