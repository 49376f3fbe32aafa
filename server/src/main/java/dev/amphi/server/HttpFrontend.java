package dev.amphi.server;

import dev.amphi.core.api.ProgramApi;
import dev.amphi.core.api.RoomsApi;
import dev.amphi.core.room.ProgramControl;
import dev.amphi.core.room.RoomRegistry;
import dev.amphi.hls.HlsOrigin;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The one HTTP router: the HLS origin's {@code /live/...}, the room and program APIs, the player pages,
 * {@code /health} and {@code /metrics}; anything else is a short text 404. Every request is timed
 * into {@link ServerMetrics}. Handlers run on Vert.x event loops; the Prometheus scrape runs on a
 * Vert.x worker.
 */
final class HttpFrontend {

    /** What /health reports about the RTMP side. */
    record RtmpStatus(BooleanSupplier up, IntSupplier port, IntSupplier tlsPort) {
    }

    private HttpFrontend() {
    }

    /** A router whose rooms all pass their publisher through. */
    static Router router(Vertx vertx, RoomRegistry rooms, HlsOrigin origin, ServerMetrics metrics,
                         RtmpStatus rtmp, IntSupplier httpPort) {
        return router(vertx, rooms, origin, metrics, rtmp, httpPort, ProgramApi.of(rooms, ProgramControl.passthroughOnly(),
                ProgramApi.Limits.defaults()));
    }

    static Router router(Vertx vertx, RoomRegistry rooms, HlsOrigin origin, ServerMetrics metrics,
                         RtmpStatus rtmp, IntSupplier httpPort, ProgramApi programApi) {
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            long start = System.nanoTime();
            ctx.addEndHandler(ar -> metrics.httpRequest(ctx.request().method().name(), routeOf(ctx.normalizedPath()),
                    ctx.response().getStatusCode(), Duration.ofNanos(System.nanoTime() - start)));
            ctx.next();
        });
        origin.mount(router);
        RoomsApi.of(rooms).mount(router);
        programApi.mount(router);
        new PlayerRoutes(rooms).mount(router);
        router.route(HttpMethod.GET, "/health").handler(ctx -> health(ctx, rooms, rtmp, httpPort));
        router.route(HttpMethod.GET, "/metrics").handler(ctx -> vertx.executeBlocking(metrics::scrape, false)
                .onSuccess(text -> ctx.response()
                        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                        .putHeader("Cache-Control", "no-cache")
                        .end(text))
                .onFailure(ctx::fail));
        router.route().last().handler(ctx -> notFound(ctx, "not found"));
        return router;
    }

    private static void health(RoutingContext ctx, RoomRegistry rooms, RtmpStatus rtmp, IntSupplier httpPort) {
        boolean rtmpUp = rtmp.up().getAsBoolean();
        JsonObject rtmpJson = new JsonObject().put("up", rtmpUp).put("port", rtmp.port().getAsInt());
        int tls = rtmp.tlsPort().getAsInt();
        if (tls >= 0) {
            rtmpJson.put("tlsPort", tls);
        }
        JsonObject body = new JsonObject()
                .put("ok", rtmpUp)
                .put("rtmp", rtmpJson)
                .put("http", new JsonObject().put("up", true).put("port", httpPort.getAsInt()))
                .put("liveRooms", new JsonArray(rooms.liveRooms()));
        ctx.response()
                .setStatusCode(rtmpUp ? 200 : 503)
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .end(body.encode());
    }

    static void notFound(RoutingContext ctx, String text) {
        ctx.response()
                .setStatusCode(404)
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .end(text + "\n");
    }

    /** A small, fixed set of labels so metrics never grow with the URLs people try. */
    static String routeOf(String path) {
        if (path == null) {
            return "other";
        }
        if (path.startsWith("/live/")) {
            return "live";
        }
        if (path.startsWith("/api/")) {
            return "api";
        }
        if (path.equals("/") || path.startsWith("/watch/") || path.startsWith("/player/") || path.startsWith("/webjars/")) {
            return "player";
        }
        if (path.equals("/health") || path.equals("/metrics")) {
            return path.substring(1);
        }
        return "other";
    }
}
