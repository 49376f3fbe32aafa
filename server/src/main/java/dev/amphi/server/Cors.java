package dev.amphi.server;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The server's one CORS policy, through Vert.x's {@link CorsHandler}: any origin may read
 * {@code /live/...} (players embedded in other sites) and call {@code /api/...} (the stream key in
 * {@code Authorization}, not the origin, protects a layout change); nothing else is shared with other
 * origins. Preflights are answered with fixed lists of methods and headers, never an echo of what the
 * browser asked for.
 *
 * <p>{@code Access-Control-Allow-Origin: *} (and, on {@code /live}, the exposed headers) goes on
 * every response of those paths, with or without an {@code Origin} header: a CDN or proxy cache
 * that stored a copy fetched without one serves it to browsers on every site.
 */
final class Cors {

    /** Request headers a player may send to {@code /live}. */
    static final Set<String> LIVE_HEADERS = ordered("Range", "If-None-Match", "If-Modified-Since");
    /** Response headers a player may read from {@code /live}. */
    static final Set<String> LIVE_EXPOSED = ordered("Content-Length", "Content-Range", "Accept-Ranges", "ETag", "Last-Modified",
            "Cache-Control");
    /** Response headers a WHIP client may read. */
    static final Set<String> WHIP_EXPOSED = ordered("Location", "Link", "Content-Type");
    /** Request headers a page may send to {@code /api}. */
    static final Set<String> API_HEADERS = ordered("Authorization", "Content-Type");

    private Cors() {
    }

    /** Mounts the policy; call before the routes of {@code /live} and {@code /api}. */
    static void mount(Router router) {
        String exposed = String.join(", ", LIVE_EXPOSED);
        router.route("/live/*").handler(CorsHandler.create().addOrigin("*")
                .allowedMethods(new LinkedHashSet<>(List.of(HttpMethod.GET, HttpMethod.HEAD)))
                .allowedHeaders(LIVE_HEADERS)
                .exposedHeaders(LIVE_EXPOSED)
                .maxAgeSeconds(86_400));
        router.route("/live/*").handler(ctx -> shared(ctx, exposed));
        // WHIP clients on other sites (RFC 9725 section 4.5): they read the Location and the ICE servers
        router.routeWithRegex("/api/rooms/[^/]+/(whip(/[^/]+)?|ice-servers)").handler(CorsHandler.create().addOrigin("*")
                .allowedMethods(new LinkedHashSet<>(List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.PATCH)))
                .allowedHeaders(API_HEADERS)
                .exposedHeaders(WHIP_EXPOSED)
                .maxAgeSeconds(600));
        router.route("/api/*").handler(CorsHandler.create().addOrigin("*")
                .allowedMethods(new LinkedHashSet<>(List.of(HttpMethod.GET, HttpMethod.PUT)))
                .allowedHeaders(API_HEADERS)
                .maxAgeSeconds(600));
        router.route("/api/*").handler(ctx -> shared(ctx, null));
    }

    private static Set<String> ordered(String... names) {
        return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(List.of(names)));
    }

    private static void shared(RoutingContext ctx, String exposed) {
        ctx.response().putHeader("Access-Control-Allow-Origin", "*");
        if (exposed != null) {
            ctx.response().putHeader("Access-Control-Expose-Headers", exposed);
        }
        ctx.next();
    }
}
