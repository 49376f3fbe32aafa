package dev.amphi.hls;

import dev.amphi.hls.http.ObjectResolver.Lookup;

/** What the origin keeps per stream name: a passthrough {@link StreamPackager} or a {@link LadderPackager}. */
interface Packager {

    /** Whether packets are arriving (a session is in progress). */
    boolean live();

    /** The object at {@code path} below {@code /live/{name}/}, or a 404 text. */
    Lookup lookup(String path);

    /**
     * Stops the stream: its sinks drop packets from now on, its objects leave the store. Waits for
     * a packet being packaged on another thread to finish.
     */
    void close();
}
