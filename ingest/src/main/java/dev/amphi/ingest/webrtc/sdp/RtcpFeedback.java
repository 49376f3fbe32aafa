package dev.amphi.ingest.webrtc.sdp;

import java.util.Objects;

/**
 * {@code a=rtcp-fb:<pt|*> <type> [<parameter>]} (RFC 4585), e.g. {@code nack pli}.
 *
 * @param payloadType the payload type, or -1 for {@code *} (every payload type of the section)
 * @param value       the type and its parameter, single-spaced, e.g. {@code nack pli}
 */
public record RtcpFeedback(int payloadType, String value) {
    public RtcpFeedback {
        Objects.requireNonNull(value, "value");
        if (payloadType < -1 || payloadType > 127) {
            throw new IllegalArgumentException("payload type must be -1 (*) or 0..127, was " + payloadType);
        }
    }

    /** Whether this applies to {@code pt}. */
    public boolean appliesTo(int pt) {
        return payloadType == -1 || payloadType == pt;
    }
}
