package dev.amphi.hls;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;

/** An {@link HlsOrigin} (20-segment window) served by Vert.x on 127.0.0.1, on a free port, for playback tests. */
final class ServedOrigin implements AutoCloseable {

    final HlsOrigin origin;
    /** {@code http://127.0.0.1:PORT}. */
    final String base;
    private final Vertx vertx;

    private ServedOrigin(Vertx vertx, HlsOrigin origin, String base) {
        this.vertx = vertx;
        this.origin = origin;
        this.base = base;
    }

    static ServedOrigin start() throws Exception {
        Vertx vertx = Vertx.vertx();
        HlsOrigin origin = HlsOrigin.builder().windowSize(20).build();
        Router router = Router.router(vertx);
        origin.mount(router);
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return new ServedOrigin(vertx, origin, "http://127.0.0.1:" + server.actualPort());
    }

    @Override
    public void close() throws Exception {
        origin.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
