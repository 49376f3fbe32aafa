package dev.amphi.ingest.webrtc.sdp;

import java.util.Objects;

/**
 * The answer to an offer: its text (CRLF line endings, for the {@code 201} body) and what it agreed on.
 */
public record Answer(String sdp, NegotiatedSession negotiated) {
    public Answer {
        Objects.requireNonNull(sdp, "sdp");
        Objects.requireNonNull(negotiated, "negotiated");
    }
}
