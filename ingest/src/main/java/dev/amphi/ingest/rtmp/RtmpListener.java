package dev.amphi.ingest.rtmp;

/**
 * Observer of RTMP server events, for metrics and logs. Called on event loops: implementations
 * must be cheap and non-blocking. Every method has an empty default.
 */
public interface RtmpListener {

    default void connectionOpened() {
    }

    default void connectionClosed() {
    }

    /** A connection was closed because of bad input; {@code reason} is short and bounded. */
    default void protocolError(String reason) {
    }

    /** A connection was closed before its handshake because a connection limit was reached. */
    default void connectionRefused(String reason) {
    }

    default void bytesReceived(long bytes) {
    }

    default void publishStarted(String streamName) {
    }

    /** Why a {@code publish} was refused, for {@link #publishRefused}. */
    enum Refusal {
        /** The authorizer refused a wrong credential (an unknown stream key); counted against the address. */
        WRONG_KEY,
        /** The authorizer refused for another reason (room full, bad speaker name), or the stream name is taken. */
        REFUSED,
        /** Refused without asking the authorizer: the address had too many failed attempts lately. */
        THROTTLED,
        /** The authorizer failed (its stage completed exceptionally). */
        FAILED
    }

    /** A {@code publish} was refused (the client got an error status and is closed). */
    default void publishRefused(Refusal why) {
    }

    default void publishStopped(String streamName) {
    }
}
