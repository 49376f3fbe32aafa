package dev.amphi.ingest.webrtc.sdp;

import java.util.Objects;

/**
 * {@code a=ssrc:<ssrc> <attribute>[:<value>]} (RFC 5576), e.g. {@code cname:abc}.
 *
 * @param value the value, or null when the line gives none
 */
public record SsrcAttribute(long ssrc, String attribute, String value) {
    public SsrcAttribute {
        Objects.requireNonNull(attribute, "attribute");
        if (ssrc < 0 || ssrc > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("ssrc must be 0..2^32-1, was " + ssrc);
        }
    }
}
