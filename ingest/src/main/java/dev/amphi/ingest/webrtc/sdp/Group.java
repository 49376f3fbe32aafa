package dev.amphi.ingest.webrtc.sdp;

import java.util.List;
import java.util.Objects;

/** {@code a=group:<semantics> <mid>...} (RFC 5888), e.g. {@code BUNDLE 0 1}. */
public record Group(int line, String semantics, List<String> mids) {
    public Group {
        Objects.requireNonNull(semantics, "semantics");
        mids = List.copyOf(mids);
    }

    /** Whether this is a BUNDLE group (RFC 8843). */
    public boolean isBundle() {
        return semantics.equalsIgnoreCase("BUNDLE");
    }
}
