package dev.amphi.hls;

import dev.amphi.media.MediaSink;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
     * Called again, it returns the same sink; if {@code name} is a {@link #ladder} it replaces it
     * with a new passthrough stream (new epoch).
     */
    MediaSink sink(String name);

    /**
     * The ladder stream {@code name}: one video rendition per name in {@code videoRenditions}
     * (served as {@code /live/{name}/{rendition}/index.m3u8}, listed in the master in this order, the
     * first being the one players start with) and one audio rendition ({@code /live/{name}/audio/}).
     * Calling it again with the same renditions returns the same ladder; with other renditions it
     * replaces the stream with a new one (new epoch: new segment names, playlists start anew, the old
     * ladder's sinks drop what they get). A name is either a ladder or a passthrough {@link #sink}
     * at a time: asking for the other kind replaces the stream the same way.
     *
     * @param videoRenditions 1 to 16 distinct names matching {@code [a-z0-9]{1,32}}, not {@code audio}
     * @throws IllegalArgumentException naming a bad stream or rendition name
     * @throws UnsupportedOperationException from origins without ladders (test stubs)
     */
    default Ladder ladder(String name, List<String> videoRenditions) {
        throw new UnsupportedOperationException("this origin does not package ladders");
    }

    /**
     * The sinks of one ladder stream. Each sink is called serially by one thread (e.g. the rung's
     * encoder thread, the audio mixer); different sinks of a ladder may be called in parallel.
     * Packets carry the program clock (90 kHz); the encoder puts keyframes at the same timestamps in
     * every rendition, so segment k of every rendition starts at the same time and has the same
     * media sequence number. {@code onEnd} on a sink ends that rendition's playlist
     * ({@code EXT-X-ENDLIST}); packets after it resume it after a discontinuity; when every sink
     * that had packets has ended, the stream is no longer live.
     */
    interface Ladder {
        /** The sink of video rendition {@code index} (its position in {@link #videoRenditions()}); H.264 only. */
        MediaSink video(int index);

        /** The sink of the audio rendition; AAC only. */
        MediaSink audio();

        /** The video rendition names, in master order. */
        List<String> videoRenditions();
    }

    /** Names of streams currently live (a publisher, or a ladder's encoders, sending). */
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
