package dev.amphi.ingest.webrtc.sdp;

import java.util.Objects;

/**
 * A media section the answer refuses (port 0), and why.
 *
 * @param mid    its mid, or null when it has none
 * @param label  how messages name it, e.g. {@code mid 2 (application)}
 * @param reason why, e.g. {@code it has no a=rtcp-mux}
 */
public record RejectedMedia(String mid, String label, String reason) {
    public RejectedMedia {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(reason, "reason");
    }
}
