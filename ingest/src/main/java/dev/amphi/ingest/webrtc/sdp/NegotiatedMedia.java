package dev.amphi.ingest.webrtc.sdp;

import dev.amphi.media.MediaKind;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One accepted media section, as the RTP layer needs it.
 *
 * @param mid             the section's mid (the value of the RTP mid header extension, when negotiated)
 * @param kind            audio or video
 * @param direction       the answer's direction, from the server's point of view ({@code recvonly}:
 *                        the server only receives)
 * @param codec           the one payload format the peer may send and receive in this section
 * @param rtxPayloadType  the RTX payload type whose {@code apt} is {@code codec}'s, if negotiated
 * @param clockRate       {@code codec}'s clock rate (for convenience)
 * @param remoteSsrcs     the SSRCs the offer announces for its media (RTX SSRCs left out); empty
 *                        when it announces none (then the mid extension identifies the section)
 * @param remoteRtxSsrcs  media SSRC → its RTX SSRC, from {@code a=ssrc-group:FID}
 * @param extensionIds    header extension URI → id, for the kept extensions
 * @param rtcpFeedback    the RTCP feedback kept for {@code codec}, e.g. {@code nack}, {@code nack pli}
 * @param rtcpReducedSize {@code a=rtcp-rsize} negotiated
 * @param simulcastOffered the offer asked for simulcast (not supported: the answer leaves it out, so
 *                        the peer sends one encoding)
 */
public record NegotiatedMedia(String mid, MediaKind kind, Direction direction, Codec codec, OptionalInt rtxPayloadType,
        int clockRate, List<Long> remoteSsrcs, Map<Long, Long> remoteRtxSsrcs, Map<String, Integer> extensionIds,
        List<String> rtcpFeedback, boolean rtcpReducedSize, boolean simulcastOffered) {

    public NegotiatedMedia {
        Objects.requireNonNull(mid, "mid");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(rtxPayloadType, "rtxPayloadType");
        remoteSsrcs = List.copyOf(remoteSsrcs);
        remoteRtxSsrcs = Map.copyOf(remoteRtxSsrcs);
        extensionIds = Map.copyOf(extensionIds);
        rtcpFeedback = List.copyOf(rtcpFeedback);
        if (clockRate != codec.clockRate()) {
            throw new IllegalArgumentException("clockRate differs from the codec's");
        }
    }
}
