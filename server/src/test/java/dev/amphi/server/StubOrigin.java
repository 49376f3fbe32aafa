package dev.amphi.server;

import dev.amphi.hls.HlsOrigin;
import dev.amphi.media.MediaSink;
import io.vertx.ext.web.Router;
import java.util.Set;

/** An origin without segments, to test the HTTP front end's own routes in isolation. */
final class StubOrigin implements HlsOrigin {
    @Override
    public MediaSink sink(String name) {
        return packet -> { };
    }

    @Override
    public Set<String> liveStreams() {
        return Set.of();
    }

    @Override
    public void mount(Router router) {
        router.get("/live/:room/master.m3u8").handler(ctx -> ctx.response().setStatusCode(404).end("no stream\n"));
    }

    @Override
    public void close() {
    }
}
