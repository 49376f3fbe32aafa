package dev.amphi.ingest.webrtc.sdp;

import java.util.Objects;

/**
 * {@code a=extmap:<id>[/<direction>] <uri> [<attributes>]} (RFC 8285).
 *
 * @param direction the stated direction, or null when the line gives none
 */
public record Extmap(int id, Direction direction, String uri) {
    public Extmap {
        Objects.requireNonNull(uri, "uri");
        if (id < 1 || id > 255) {
            throw new IllegalArgumentException("extension id must be 1..255, was " + id);
        }
    }
}
