package dev.amphi.hls;

import dev.amphi.media.MediaSink;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * The HLS origin: turns live streams into CMAF segments and playlists and serves them over HTTP.
 *
 * <p>Threads: each stream's sink is called serially on one worker thread (the caller's, e.g. a
 * {@link dev.amphi.media.MediaFanout} consumer executor); segmenting happens there. HTTP handlers
 * only read finished, immutable objects from memory and never block an event loop.
 */
public interface HlsOrigin extends AutoCloseable {

    static Builder builder() {
        return new HlsOriginBuilder();
    }

    /**
     * The sink for stream {@code name} (created on first use). Its packets become
     * {@code /live/{name}/master.m3u8} and the renditions below it; {@code onEnd} ends the
     * playlists the way players expect, and packets after that resume with a discontinuity.
     */
    MediaSink sink(String name);

    /** Names of streams currently live (a publisher is sending). */
    Set<String> liveStreams();

    /** Mounts {@code GET/HEAD /live/{name}/...} on the router. */
    void mount(Router router);

    @Override
    void close();

    /** Builder; every setter validates its argument and names a bad value. */
    interface Builder {
        /** Target segment duration, default 2 s; segments are cut at the first keyframe at or after it. */
        Builder targetDuration(Duration duration);

        /** Segments listed in a live playlist, default 8. */
        Builder windowSize(int segments);

        /**
         * Upper bound on the bytes of segments kept after they left the playlist, default 512 MiB;
         * what a playlist lists is never evicted and does not count.
         */
        Builder maxStoreBytes(long bytes);

        /**
         * How long a segment stays fetchable after it left the playlist (late players, CDN misses).
         * Default: (window size + 1) × target duration, the minimum RFC 8216 section 6.2.2 asks for
         * (18 s with the defaults). The byte bound of {@link #maxStoreBytes} applies as well.
         */
        Builder retention(Duration retention);

        /** Wall clock for EXT-X-PROGRAM-DATE-TIME and Last-Modified; default the system UTC clock. */
        Builder clock(Clock clock);

        HlsOrigin build();
    }
}
