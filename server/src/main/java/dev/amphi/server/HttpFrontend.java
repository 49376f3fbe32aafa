package dev.amphi.server;

import dev.amphi.core.api.ProgramApi;
import dev.amphi.core.api.RoomsApi;
import dev.amphi.core.room.ProgramControl;
import dev.amphi.core.room.RoomRegistry;
import dev.amphi.hls.HlsOrigin;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The one HTTP router: the HLS origin's {@code /live/...}, the room and program APIs, the player pages,
 * {@code /health} and {@code /metrics} (unless it has a listener of its own, {@link #metricsRouter});
 * anything else is a short text 404. {@link Cors} is the CORS policy of all of them. Every request is
 * timed into {@link ServerMetrics}, as its status or as {@code aborted} when its connection closed
 * before the response was complete. A request that fails is answered with a short text; one whose
 * client went away (an aborted upload) is counted and logged at most once per 10 s, without a stack
 * trace. Handlers run on Vert.x event loops and only read memory; the Prometheus scrape runs on a
 * Vert.x worker.
 */
final class HttpFrontend {

    private static final Logger LOG = LoggerFactory.getLogger(HttpFrontend.class);
    private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
    private static final String ABORTED = "amphi.aborted";

    /** What /health reports about the RTMP side. */
    record RtmpStatus(BooleanSupplier up, IntSupplier port, IntSupplier tlsPort) {
    }

    /** What /health reports about the HTTP side: its port and the HTTPS port (negative: none). */
    record HttpStatus(IntSupplier port, IntSupplier tlsPort) {
        /** Plain HTTP on {@code port} only. */
        static HttpStatus plain(IntSupplier port) {
            return new HttpStatus(port, () -> -1);
        }
    }

    private HttpFrontend() {
    }

    /** A router whose rooms all pass their publisher through. */
    static Router router(Vertx vertx, RoomRegistry rooms, HlsOrigin origin, ServerMetrics metrics,
                         RtmpStatus rtmp, HttpStatus http) {
        return router(vertx, rooms, origin, metrics, rtmp, http, ProgramApi.of(rooms, ProgramControl.passthroughOnly(),
                ProgramApi.Limits.defaults()));
    }

    static Router router(Vertx vertx, RoomRegistry rooms, HlsOrigin origin, ServerMetrics metrics,
                         RtmpStatus rtmp, HttpStatus http, ProgramApi programApi) {
        return router(vertx, rooms, origin, metrics, rtmp, http, programApi, true);
    }

    /** The main router; {@code withMetrics} false leaves {@code /metrics} to {@link #metricsRouter}. */
    static Router router(Vertx vertx, RoomRegistry rooms, HlsOrigin origin, ServerMetrics metrics,
                         RtmpStatus rtmp, HttpStatus http, ProgramApi programApi, boolean withMetrics) {
        return router(vertx, rooms, origin, metrics, rtmp, http, programApi, withMetrics, RoomsApi.of(rooms), List.of());
    }

    /**
     * The main router with more routes, {@code mounts}, added before the origin's (so its
     * {@code /live/{name}/{rendition}/{file}} does not take {@code /live/{name}/comments/...}).
     */
    static Router router(Vertx vertx, RoomRegistry rooms, HlsOrigin origin, ServerMetrics metrics,
                         RtmpStatus rtmp, HttpStatus http, ProgramApi programApi, boolean withMetrics, RoomsApi roomsApi,
                         List<Consumer<Router>> mounts) {
        Router router = Router.router(vertx);
        Failures failures = new Failures(vertx);
        router.route().handler(ctx -> timed(ctx, metrics));
        Cors.mount(router);
        mounts.forEach(m -> m.accept(router));
        origin.mount(router);
        roomsApi.mount(router);
        programApi.mount(router);
        new PlayerRoutes(rooms).mount(router);
        Buffer openApi = openApi();
        router.route(HttpMethod.GET, OPENAPI).handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "public, max-age=60").end(openApi));
        router.route(HttpMethod.GET, "/health").handler(ctx -> health(ctx, rooms, rtmp, http));
        if (withMetrics) {
            router.route(HttpMethod.GET, "/metrics").handler(ctx -> scrape(vertx, ctx, metrics));
        }
        router.route().last().handler(ctx -> notFound(ctx, "not found"));
        router.route().failureHandler(failures::handle);
        return router;
    }

    /** Where the API's OpenAPI 3 document is served ({@code openapi.json} beside this class). */
    static final String OPENAPI = "/api/openapi.json";

    /** The API's OpenAPI document, read once (at start-up, not on an event loop). */
    static Buffer openApi() {
        try (var in = HttpFrontend.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the server's jar");
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read openapi.json from the server's jar", e);
        }
    }

    /** The router of a listener that serves {@code /metrics} alone (404 for anything else). */
    static Router metricsRouter(Vertx vertx, ServerMetrics metrics) {
        Router router = Router.router(vertx);
        Failures failures = new Failures(vertx);
        router.route(HttpMethod.GET, "/metrics").handler(ctx -> scrape(vertx, ctx, metrics));
        router.route().last().handler(ctx -> notFound(ctx, "not found"));
        router.route().failureHandler(failures::handle);
        return router;
    }

    private static void timed(RoutingContext ctx, ServerMetrics metrics) {
        long start = System.nanoTime();
        ctx.addEndHandler(ar -> metrics.httpRequest(ctx.request().method().name(), routeOf(ctx.normalizedPath()),
                ar.succeeded() ? Integer.toString(ctx.response().getStatusCode()) : "aborted",
                Duration.ofNanos(System.nanoTime() - start)));
        ctx.next();
    }

    private static void scrape(Vertx vertx, RoutingContext ctx, ServerMetrics metrics) {
        vertx.executeBlocking(metrics::scrape, false)
                .onSuccess(text -> ctx.response()
                        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                        .putHeader("Cache-Control", "no-cache")
                        .end(text))
                .onFailure(ctx::fail);
    }

    /** The last failure handler: a short text answer, bounded logs, nothing for a client that is gone. */
    private static final class Failures {
        private final RateLimitedLog aborted;
        private final RateLimitedLog errors;

        Failures(Vertx vertx) {
            aborted = new RateLimitedLog(LOG, Level.INFO, vertx, LOG_INTERVAL, "requests aborted by their client");
            errors = new RateLimitedLog(LOG, Level.WARN, vertx, LOG_INTERVAL, "requests failed with a server error");
        }

        void handle(RoutingContext ctx) {
            HttpServerResponse res = ctx.response();
            Throwable failure = ctx.failure();
            if (failure instanceof HttpClosedException || failure instanceof IOException || res.closed()) {
                // the connection closed or was reset (routes do no other I/O): nobody to answer
                if (ctx.get(ABORTED) != null) {
                    return; // a reset fails a request twice (the reset, then the close)
                }
                ctx.put(ABORTED, Boolean.TRUE);
                aborted.log(describe(ctx) + ": the client closed the connection before the request was complete ("
                        + (failure == null ? "closed" : failure.getMessage()) + "; counted as status \"aborted\" in amphi_http_requests)",
                        null);
                return;
            }
            if (res.ended()) {
                return;
            }
            int status = ctx.statusCode() >= 400 && ctx.statusCode() <= 599 ? ctx.statusCode() : 500;
            if (status >= 500) {
                errors.log(describe(ctx) + " failed", failure);
            }
            String text = status >= 500 ? "internal server error" : HttpResponseStatus.valueOf(status).reasonPhrase().toLowerCase(Locale.ROOT);
            res.setStatusCode(status)
                    .putHeader("Content-Type", "text/plain; charset=utf-8")
                    .putHeader("Cache-Control", "no-cache")
                    .end(text + "\n");
        }

        private static String describe(RoutingContext ctx) {
            HttpServerRequest req = ctx.request();
            String path = req.path() == null ? "" : req.path();
            return req.method().name() + " " + (path.length() <= 100 ? path : path.substring(0, 100) + "...")
                    + " from " + req.remoteAddress();
        }
    }

    private static void health(RoutingContext ctx, RoomRegistry rooms, RtmpStatus rtmp, HttpStatus http) {
        boolean rtmpUp = rtmp.up().getAsBoolean();
        JsonObject rtmpJson = new JsonObject().put("up", rtmpUp).put("port", rtmp.port().getAsInt());
        int tls = rtmp.tlsPort().getAsInt();
        if (tls >= 0) {
            rtmpJson.put("tlsPort", tls);
        }
        JsonObject httpJson = new JsonObject().put("up", true).put("port", http.port().getAsInt());
        int https = http.tlsPort().getAsInt();
        if (https >= 0) {
            httpJson.put("tlsPort", https);
        }
        JsonObject body = new JsonObject()
                .put("ok", rtmpUp)
                .put("rtmp", rtmpJson)
                .put("http", httpJson)
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
        if (path.equals("/") || path.startsWith("/watch/") || path.startsWith("/join/")
                || path.startsWith("/player/") || path.startsWith("/webjars/")) {
            return "player";
        }
        if (path.equals("/health") || path.equals("/metrics")) {
            return path.substring(1);
        }
        return "other";
    }
}
