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
 * unknown room), {@code /player/NAME} and {@code /webjars/hls.js/1.4.12/dist/hls.min.js}. Every
 * file is read once at construction (blocking, at start-up) and served from memory, so handlers
 * never touch the disk on an event loop.
 */
final class PlayerRoutes {

    static final String ROOT = "amphi-player/";
    static final String HLS_JS = "/webjars/hls.js/1.4.12/dist/hls.min.js";

    private record Asset(Buffer body, String contentType, String cacheControl) {
    }

    private final RoomRegistry rooms;
    private final Map<String, Asset> assets = new HashMap<>();
    private final Asset indexPage;
    private final Asset watchPage;

    PlayerRoutes(RoomRegistry rooms) {
        this.rooms = rooms;
        for (String name : list()) {
            assets.put("/player/" + name, load(ROOT + name, "no-cache"));
        }
        assets.put(HLS_JS, load("META-INF/resources" + HLS_JS, "public, max-age=31536000, immutable"));
        indexPage = assets.get("/player/index.html");
        watchPage = assets.get("/player/watch.html");
        if (indexPage == null || watchPage == null) {
            throw new IllegalStateException(ROOT + "assets.txt must list index.html and watch.html");
        }
    }

    void mount(Router router) {
        for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.HEAD)) {
            router.route(method, "/").handler(ctx -> send(ctx, indexPage));
            router.route(method, "/watch/:room").handler(this::watch);
            router.route(method, "/player/*").handler(ctx -> asset(ctx, ctx.normalizedPath()));
            router.route(method, "/webjars/*").handler(ctx -> asset(ctx, ctx.normalizedPath()));
        }
    }

    private void watch(RoutingContext ctx) {
        if (rooms.byName(ctx.pathParam("room")).isPresent()) {
            send(ctx, watchPage);
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
