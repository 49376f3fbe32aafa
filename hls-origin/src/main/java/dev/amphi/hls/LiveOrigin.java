package dev.amphi.hls;

import dev.amphi.hls.http.ObjectResolver;
import dev.amphi.hls.http.OriginRoutes;
import dev.amphi.hls.store.SegmentStore;
import dev.amphi.media.MediaSink;
import io.vertx.ext.web.Router;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** The in-memory HLS origin: one {@link StreamPackager} per stream name, one shared store. */
final class LiveOrigin implements HlsOrigin, ObjectResolver {

    private final HlsOriginBuilder.Settings settings;
    private final SegmentStore store;
    private final ConcurrentHashMap<String, StreamPackager> streams = new ConcurrentHashMap<>();
    private volatile boolean closed;

    LiveOrigin(HlsOriginBuilder.Settings settings) {
        this.settings = settings;
        this.store = new SegmentStore(settings.maxStoreBytes(), settings.retention(), settings.clock());
    }

    @Override
    public MediaSink sink(String name) {
        if (name == null || !OriginRoutes.STREAM_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("stream name must match " + OriginRoutes.STREAM_NAME.pattern()
                    + ", was " + (name == null ? null : "'" + name + "'"));
        }
        if (closed) {
            throw new IllegalStateException("the HLS origin is closed");
        }
        return streams.computeIfAbsent(name, n -> new StreamPackager(n, settings, store));
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
        StreamPackager s = streams.get(stream);
        return s != null ? s.lookup(path) : Lookup.missing("stream " + stream + " is not live yet");
    }

    /** The shared store, for tests and metrics. */
    SegmentStore store() {
        return store;
    }

    @Override
    public void close() {
        closed = true;
        streams.values().forEach(StreamPackager::close);
        streams.clear();
        store.clear();
    }
}
