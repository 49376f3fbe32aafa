package dev.amphi.media;

/**
 * Receives the packets of one live stream. A sink is called by one thread at a time, in order;
 * implementations must not block the caller for long (ingest calls its sinks through a
 * {@link MediaFanout}, never directly from an event loop into slow work).
 */
public interface MediaSink {

    /** One access unit. Packets of one track arrive in decode order. */
    void onPacket(MediaPacket packet);

    /**
     * The publisher is gone (it stopped, its connection dropped, or another publisher took over).
     * Packets may follow later: they belong to a new publish session whose timeline starts anew.
     */
    default void onEnd() {
    }
}
