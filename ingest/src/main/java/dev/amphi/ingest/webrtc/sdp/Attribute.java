package dev.amphi.ingest.webrtc.sdp;

import java.util.Objects;

/**
 * One {@code a=} line as written, kept for attributes the parser does not interpret.
 *
 * @param line  the 1-based line number in the description
 * @param name  the attribute name (before the first ':')
 * @param value what follows the first ':', or null for a property attribute such as {@code rtcp-mux}
 */
public record Attribute(int line, String name, String value) {
    public Attribute {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty attribute name");
        }
    }
}
