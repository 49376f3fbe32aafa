package dev.amphi.ingest.webrtc.transport;

import dev.amphi.ingest.webrtc.rtp.RtpHeaderExtension;
import dev.amphi.ingest.webrtc.rtp.RtpPacket;
import dev.amphi.ingest.webrtc.sdp.NegotiatedMedia;
import dev.amphi.ingest.webrtc.sdp.NegotiatedSession;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The SSRCs a peer sends on (BUNDLE: all m-lines share one transport), learnt from its first
 * packets: a media SSRC or an RTX SSRC is placed by its a=ssrc / a=ssrc-group:FID lines, then by
 * the mid header extension, then by a payload type that only one m-line uses. At most
 * {@link #MAX_STREAMS}. Event loop only.
 */
final class StreamTable {

    static final String MID_URI = "urn:ietf:params:rtp-hdrext:sdes:mid";
    static final int MAX_STREAMS = 16;

    private final NegotiatedSession session;
    private final InboundStream.Feedback feedback;
    /** Media SSRC → its stream. */
    final Map<Integer, InboundStream> streams = new HashMap<>();
    /** RTX SSRC → the stream it repairs. */
    final Map<Integer, InboundStream> rtx = new HashMap<>();

    StreamTable(NegotiatedSession session, InboundStream.Feedback feedback) {
        this.session = session;
        this.feedback = feedback;
    }

    /** Finds the m-line of a new SSRC; registers it as a media or an RTX stream. */
    boolean learn(RtpPacket p) {
        if (streams.size() + rtx.size() >= MAX_STREAMS) {
            return false;
        }
        long ssrc = p.ssrc() & 0xffffffffL;
        int pt = p.payloadType();
        NegotiatedMedia byPt = null;
        int ptMatches = 0;
        for (NegotiatedMedia m : session.media()) {
            if (!m.direction().receives()) {
                continue;
            }
            if (m.remoteSsrcs().contains(ssrc)) {
                return addMedia(m, p.ssrc(), pt);
            }
            for (Map.Entry<Long, Long> e : m.remoteRtxSsrcs().entrySet()) {
                if (e.getValue() == ssrc) {
                    return addRtx(m, p.ssrc(), e.getKey().intValue());
                }
            }
            if (midMatches(m, p)) {
                return m.rtxPayloadType().isPresent() && m.rtxPayloadType().getAsInt() == pt
                        ? addRtx(m, p.ssrc(), 0) : addMedia(m, p.ssrc(), pt);
            }
            if (m.codec().payloadType() == pt || (m.rtxPayloadType().isPresent() && m.rtxPayloadType().getAsInt() == pt)) {
                byPt = m;
                ptMatches++;
            }
        }
        if (ptMatches != 1) {
            return false;
        }
        return byPt.codec().payloadType() == pt ? addMedia(byPt, p.ssrc(), pt) : addRtx(byPt, p.ssrc(), 0);
    }

    private static boolean midMatches(NegotiatedMedia m, RtpPacket p) {
        Integer id = m.extensionIds().get(MID_URI);
        RtpHeaderExtension ext = p.extension();
        if (id == null || ext == null || !ext.isRfc8285()) {
            return false;
        }
        return ext.find(id).map(e -> new String(e.data(), StandardCharsets.UTF_8).equals(m.mid())).orElse(false);
    }

    private boolean addMedia(NegotiatedMedia m, int ssrc, int pt) {
        if (pt != m.codec().payloadType()) {
            return false;
        }
        streams.put(ssrc, new InboundStream(m, ssrc, feedback));
        return true;
    }

    /** @param mediaSsrc the signalled media SSRC, 0 to take the m-line's only media stream */
    private boolean addRtx(NegotiatedMedia m, int rtxSsrc, int mediaSsrc) {
        InboundStream target = mediaSsrc != 0 ? streams.get(mediaSsrc) : null;
        if (target == null) {
            for (InboundStream s : streams.values()) {
                if (s.media == m && (mediaSsrc == 0 || s.ssrc == mediaSsrc)) {
                    if (target != null) {
                        return false; // two media streams: which one is ambiguous
                    }
                    target = s;
                }
            }
        }
        if (target == null) {
            return false;
        }
        rtx.put(rtxSsrc, target);
        return true;
    }

}
