package dev.amphi.hls;

import dev.amphi.hls.cmaf.StreamSegmenter;
import dev.amphi.hls.http.ObjectResolver;
import dev.amphi.hls.http.OriginRoutes;
import dev.amphi.hls.store.SegmentStore;
import dev.amphi.media.MediaSink;
import io.vertx.ext.web.Router;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory HLS origin: one {@link Packager} per stream name (a passthrough
 * {@link StreamPackager} or a {@link LadderPackager}), one shared store.
 */
final class LiveOrigin implements HlsOrigin, ObjectResolver {

    private final HlsOriginBuilder.Settings settings;
    private final SegmentStore store;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LiveOrigin.class);
    /** Most video renditions of one ladder. */
    static final int MAX_RENDITIONS = StreamSegmenter.MAX_VIDEO_TRACKS;

    private final ConcurrentHashMap<String, Packager> streams = new ConcurrentHashMap<>();
    /** Creation time of the last stream (ms), bumped so that two streams never share an epoch. */
    private final AtomicLong lastEpoch = new AtomicLong(Long.MIN_VALUE);
    private volatile boolean closed;

    LiveOrigin(HlsOriginBuilder.Settings settings) {
        this.settings = settings;
        this.store = new SegmentStore(settings.maxStoreBytes(), settings.retention(), settings.clock());
    }

    @Override
    public MediaSink sink(String name) {
        checkName(name);
        if (streams.get(name) instanceof StreamPackager p) {
            return p;
        }
        return (StreamPackager) streams.compute(name, (n, old) -> {
            if (old instanceof StreamPackager) {
                return old;
            }
            replacing(n, old, "a passthrough stream");
            return new StreamPackager(n, nextEpoch(), settings, store);
        });
    }

    @Override
    public Ladder ladder(String name, List<String> videoRenditions) {
        checkName(name);
        List<String> renditions = checkRenditions(name, videoRenditions);
        if (streams.get(name) instanceof LadderPackager l && l.videoRenditions().equals(renditions)) {
            return l;
        }
        return (LadderPackager) streams.compute(name, (n, old) -> {
            if (old instanceof LadderPackager l && l.videoRenditions().equals(renditions)) {
                return old;
            }
            replacing(n, old, "a ladder of " + renditions);
            return new LadderPackager(n, renditions, nextEpoch(), settings, store);
        });
    }

    private void checkName(String name) {
        if (name == null || !OriginRoutes.STREAM_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("stream name must match " + OriginRoutes.STREAM_NAME.pattern()
                    + ", was " + (name == null ? null : "'" + name + "'"));
        }
        if (closed) {
            throw new IllegalStateException("the HLS origin is closed");
        }
    }

    private static List<String> checkRenditions(String name, List<String> renditions) {
        Objects.requireNonNull(renditions, "videoRenditions");
        if (renditions.isEmpty() || renditions.size() > MAX_RENDITIONS) {
            throw new IllegalArgumentException("ladder " + name + " needs 1 to " + MAX_RENDITIONS
                    + " video renditions, got " + renditions);
        }
        Set<String> seen = new HashSet<>();
        for (String r : renditions) {
            if (r == null || !OriginRoutes.RENDITION_NAME.matcher(r).matches() || r.equals("audio")) {
                throw new IllegalArgumentException("rendition names must match " + OriginRoutes.RENDITION_NAME.pattern()
                        + " and not be 'audio', was " + (r == null ? null : "'" + r + "'") + " in " + renditions);
            }
            if (!seen.add(r)) {
                throw new IllegalArgumentException("rendition '" + r + "' appears twice in " + renditions);
            }
        }
        return List.copyOf(renditions);
    }

    private static void replacing(String name, Packager old, String what) {
        if (old != null) {
            old.close();
            LOG.info("stream {}: replaced by {} (new epoch)", name, what);
        }
    }

    private String nextEpoch() {
        long millis = settings.clock().millis();
        return Long.toString(lastEpoch.updateAndGet(prev -> Math.max(prev + 1, millis)), 36);
    }

    @Override
    public Set<String> liveStreams() {
        Set<String> live = new TreeSet<>();
        streams.forEach((name, s) -> {
            if (s.live()) {
                live.add(name);
            }
        });
        return Set.copyOf(live);
    }

    @Override
    public void mount(Router router) {
        OriginRoutes.mount(router, this);
    }

    @Override
    public Lookup lookup(String stream, String path) {
        Packager s = streams.get(stream);
        return s != null ? s.lookup(path) : Lookup.missing("stream " + stream + " is not live yet");
    }

    /** The shared store, for tests and metrics. */
    SegmentStore store() {
        return store;
    }

    @Override
    public void close() {
        closed = true;
        streams.values().forEach(Packager::close);
        streams.clear();
        store.clear();
    }
}
