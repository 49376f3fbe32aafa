package dev.amphi.ingest.webrtc.sdp;

import java.util.Locale;

/** A media section's direction attribute (RFC 8866 §6.7), from the point of view of its author. */
public enum Direction {
    SENDRECV, SENDONLY, RECVONLY, INACTIVE;

    /** The attribute name, e.g. {@code sendonly}. */
    public String attribute() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The direction an answerer states for this offered one when it accepts it as offered. */
    public Direction reverse() {
        return switch (this) {
            case SENDONLY -> RECVONLY;
            case RECVONLY -> SENDONLY;
            default -> this;
        };
    }

    /** Whether the author of the description sends media in this direction. */
    public boolean sends() {
        return this == SENDRECV || this == SENDONLY;
    }

    /** Whether the author of the description receives media in this direction. */
    public boolean receives() {
        return this == SENDRECV || this == RECVONLY;
    }
}
