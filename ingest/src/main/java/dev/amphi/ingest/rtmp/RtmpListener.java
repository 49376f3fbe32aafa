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

    default void publishStopped(String streamName) {
    }
}
