package dev.amphi.core.api;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;

/** The API tests' HTTP server: {@code router} on a free port of 127.0.0.1. */
final class TestHttp {

    private TestHttp() {
    }

    /** Listens and returns the port. */
    static int listen(Vertx vertx, Router router) throws Exception {
        return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    /** Closes Vert.x (its servers with it). */
    static void close(Vertx vertx) throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
