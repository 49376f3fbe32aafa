package dev.amphi.ingest.webrtc.sdp;

import java.util.List;
import java.util.Objects;

/** {@code a=ssrc-group:<semantics> <ssrc>...} (RFC 5576), e.g. {@code FID 1111 2222} (media, RTX). */
public record SsrcGroup(String semantics, List<Long> ssrcs) {
    public SsrcGroup {
        Objects.requireNonNull(semantics, "semantics");
        ssrcs = List.copyOf(ssrcs);
        if (ssrcs.isEmpty()) {
            throw new IllegalArgumentException("an ssrc group needs at least one ssrc");
        }
    }
}
