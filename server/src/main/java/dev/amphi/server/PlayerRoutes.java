package dev.amphi.server;

import dev.amphi.core.room.RoomRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Serves the player's static files from the classpath ({@code amphi-player/} of the player jar
 * and the hls.js webjar): {@code /} (room list), {@code /watch/{room}} (the watch page; 404 for an
 * unknown room), {@code /join/{room}} (the speaker page; 404 for an unknown room), {@code /host/{room}}
 * (the host console; 404 for an unknown room) and {@code /host} (the admin's list of rooms),
 * {@code /embed/{room}} (the watch page for an {@code <iframe>}: no header, framed by any site; the
 * host and speaker pages may only be framed by this server's own), {@code /player/NAME}
 * and {@code /webjars/hls.js/VERSION/dist/hls.min.js}. Every
 * file is read once at construction (blocking, at start-up) and served from memory, so handlers
 * never touch the disk on an event loop.
 *
 * <p>The hls.js version is set in one place, the root {@code pom.xml}: it is read from the webjar's
 * own {@code pom.properties}, and a page names the script as {@value #HLS_JS_PLACEHOLDER}, which
 * is replaced by its versioned path (so it can be cached as immutable) when the page is loaded.
 */
final class PlayerRoutes {

    static final String ROOT = "amphi-player/";
    static final String HLS_JS_PLACEHOLDER = "{{hls.js}}";
    static final String HLS_JS = "/webjars/hls.js/" + webjarVersion("org.webjars.npm", "hls.js") + "/dist/hls.min.js";

    private record Asset(Buffer body, String contentType, String cacheControl) {
    }

    private final RoomRegistry rooms;
    private final Map<String, Asset> assets = new HashMap<>();
    private final Asset indexPage;
    private final Asset watchPage;
    private final Asset joinPage;
    private final Asset hostPage;
    private final Asset embedPage;

    PlayerRoutes(RoomRegistry rooms) {
        this.rooms = rooms;
        for (String name : list()) {
            Asset a = load(ROOT + name, "no-cache");
            if (name.endsWith(".html")) {
                a = new Asset(Buffer.buffer(a.body().toString(StandardCharsets.UTF_8).replace(HLS_JS_PLACEHOLDER, HLS_JS)),
                        a.contentType(), a.cacheControl());
            }
            assets.put("/player/" + name, a);
        }
        assets.put(HLS_JS, load("META-INF/resources" + HLS_JS, "public, max-age=31536000, immutable"));
        indexPage = assets.get("/player/index.html");
        watchPage = assets.get("/player/watch.html");
        joinPage = assets.get("/player/join.html");
        hostPage = assets.get("/player/host.html");
        embedPage = watchPage == null ? null : new Asset(Buffer.buffer(watchPage.body().toString(StandardCharsets.UTF_8)
                .replace("<body class=\"watch-page\"", "<body class=\"watch-page embed-page\"")), watchPage.contentType(),
                watchPage.cacheControl());
        if (indexPage == null || watchPage == null || joinPage == null || hostPage == null) {
            throw new IllegalStateException(ROOT + "assets.txt must list index.html, watch.html, join.html and host.html");
        }
    }

    void mount(Router router) {
        for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.HEAD)) {
            router.route(method, "/").handler(ctx -> send(ctx, indexPage));
            router.route(method, "/watch/:room").handler(ctx -> roomPage(ctx, watchPage));
            router.route(method, "/join/:room").handler(ctx -> roomPage(notFramed(ctx), joinPage));
            router.route(method, "/embed/:room").handler(ctx -> {
                ctx.response().putHeader("Content-Security-Policy", "frame-ancestors *"); // made to be framed anywhere
                roomPage(ctx, embedPage);
            });
            router.route(method, "/host").handler(ctx -> send(notFramed(ctx), hostPage));
            router.route(method, "/host/").handler(ctx -> send(notFramed(ctx), hostPage));
            router.route(method, "/host/:room").handler(ctx -> roomPage(notFramed(ctx), hostPage));
            router.route(method, "/player/*").handler(ctx -> asset(ctx, ctx.normalizedPath()));
            router.route(method, "/webjars/*").handler(ctx -> asset(ctx, ctx.normalizedPath()));
        }
    }

    /** A page with controls (the host's, a speaker's) is shown in a frame of this server's pages only. */
    private static RoutingContext notFramed(RoutingContext ctx) {
        ctx.response().putHeader("Content-Security-Policy", "frame-ancestors 'self'").putHeader("X-Frame-Options", "SAMEORIGIN");
        return ctx;
    }

    /** A page about one room: served for a room that exists, 404 otherwise. */
    private void roomPage(RoutingContext ctx, Asset page) {
        if (rooms.byName(ctx.pathParam("room")).isPresent()) {
            send(ctx, page);
        } else {
            HttpFrontend.notFound(ctx, "no such room");
        }
    }

    private void asset(RoutingContext ctx, String path) {
        Asset a = assets.get(path);
        if (a == null) {
            HttpFrontend.notFound(ctx, "not found");
        } else {
            send(ctx, a);
        }
    }

    private static void send(RoutingContext ctx, Asset a) {
        ctx.response()
                .putHeader("Content-Type", a.contentType())
                .putHeader("Cache-Control", a.cacheControl())
                .putHeader("X-Content-Type-Options", "nosniff")
                .end(a.body());
    }

    /** The version of a webjar on the classpath, from the {@code pom.properties} every webjar carries. */
    static String webjarVersion(String groupId, String artifactId) {
        java.util.Properties p = new java.util.Properties();
        try (InputStream in = new java.io.ByteArrayInputStream(read("META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String v = p.getProperty("version");
        if (v == null || !v.matches("[0-9A-Za-z.\\-]+")) {
            throw new IllegalStateException("the " + artifactId + " webjar's pom.properties has no usable version: " + v);
        }
        return v;
    }

    private static List<String> list() {
        return new String(read(ROOT + "assets.txt"), StandardCharsets.UTF_8).lines()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private static Asset load(String resource, String cacheControl) {
        return new Asset(Buffer.buffer(read(resource)), contentType(resource), cacheControl);
    }

    private static byte[] read(String resource) {
        try (InputStream in = PlayerRoutes.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the player resource " + resource + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    static String contentType(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "ico" -> "image/x-icon";
            case "json" -> "application/json";
            default -> "application/octet-stream";
        };
    }
}
