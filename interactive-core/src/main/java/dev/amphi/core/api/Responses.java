package dev.amphi.core.api;

import io.vertx.ext.web.RoutingContext;

/** The API's JSON responses: never cached. */
final class Responses {

    private Responses() {
    }

    static void json(RoutingContext ctx, int status, String body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .end(body);
    }

    static void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, ProgramJson.error(message).encode());
    }
}
