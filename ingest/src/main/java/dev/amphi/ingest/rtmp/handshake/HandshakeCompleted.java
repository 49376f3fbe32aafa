package dev.amphi.ingest.rtmp.handshake;

/**
 * User event that {@link HandshakeHandler} fires down the pipeline when the handshake is done (C2
 * received), just before it removes itself; the command layer starts its publish deadline on it.
 */
public final class HandshakeCompleted {

    /** The one instance. */
    public static final HandshakeCompleted INSTANCE = new HandshakeCompleted();

    private HandshakeCompleted() {
    }

    @Override
    public String toString() {
        return "HandshakeCompleted";
    }
}
