package dev.amphi.core.api;

import dev.amphi.core.room.RoomRegistry;
import dev.amphi.core.room.ViewerLinks;
import dev.amphi.core.store.RoomSecretStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Private rooms for their viewers:
 * <ul>
 *   <li>a gate in front of the watch page {@code /watch/{room}} and {@code /embed/{room}} (403 page) and the comments' viewer
 *       tokens {@code POST /api/rooms/{room}/viewer-token} (403), and in front of {@code /live/{room}/...} (playlists, segments, comment objects): a
 *       private room's objects need a valid {@code ?e=&s=} viewer link ({@link ViewerLinks}), checked
 *       in memory; without one 403 (plain text, not cacheable). A valid link's query is handed on
 *       ({@link #PROPAGATE}) so the origin writes it into the playlists' URIs, and players that know
 *       nothing of it (FFmpeg, VLC, Safari) follow them.</li>
 *   <li>{@code POST /api/rooms/{room}/viewer-links} {@code {"ttl":SECONDS}} (default a day, at most
 *       366 days), for the admin or the room's hosts: 201 {@code {"url","master","query","expires"}};
 *       409 for a room that is not private;</li>
 *   <li>{@code POST /api/rooms/{room}/viewer-secret}: a new secret (stored before the answer): every
 *       link given out stops working at once here, and at the edges once they reload the map; 200
 *       {@code {"rotated"}};</li>
 *   <li>{@code GET /api/edge/room-secrets.map} (admin): the private rooms' secrets as nginx map lines,
 *       for the edges (the server also writes them to its data directory).</li>
 * </ul>
 */
public final class ViewerLinksApi {

    /**
     * Routing-context key under which the gate leaves a valid link's query ({@code e=...&s=...}) for
     * the origin: the same as hls-origin's {@code OriginRoutes.PROPAGATE_QUERY}.
     */
    public static final String PROPAGATE = "amphi.hls.query";

    private final Vertx vertx;
    private final RoomRegistry registry;
    private final ViewerLinks links;
    private final RoomSecretStore secrets;
    private final AdminAuth admin;

    public ViewerLinksApi(Vertx vertx, RoomRegistry registry, ViewerLinks links, RoomSecretStore secrets, AdminAuth admin) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.links = Objects.requireNonNull(links, "links");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.admin = Objects.requireNonNull(admin, "admin");
    }

    /** Adds the routes; the gate must come before the routes it guards (mount this first). */
    public void mount(Router router) {
        router.route("/live/:name/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::gate);
        router.route("/watch/:name").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::page);
        router.route("/embed/:name").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::page);
        router.route(HttpMethod.POST, "/api/rooms/:name/viewer-token").handler(ctx -> {
            Optional<String> refused = refusal(links, ctx.pathParam("name"), ctx.request());
            if (refused.isPresent()) {
                Responses.problem(ctx, 403, null, "viewer-link", refused.get());
            } else {
                ctx.next();
            }
        });
        router.route(HttpMethod.POST, "/api/rooms/:name/viewer-links").handler(admin.orHostOf(registry));
        router.route(HttpMethod.POST, "/api/rooms/:name/viewer-links").handler(BodyHandler.create(false).setBodyLimit(1024))
                .handler(this::issue);
        router.route(HttpMethod.POST, "/api/rooms/:name/viewer-secret").handler(admin.orHostOf(registry)).handler(this::rotate);
        router.route(HttpMethod.GET, "/api/edge/room-secrets.map").handler(admin::handle).handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; charset=utf-8").putHeader("Cache-Control", "no-store").end(links.nginxMap()));
    }

    /**
     * Whether {@code request} may see {@code room}: empty when it may (a room that is not private, or a
     * valid link in its query), else the message of the refusal.
     */
    public static Optional<String> refusal(ViewerLinks links, String room, HttpServerRequest request) {
        return links.check(room, request.getParam("e"), request.getParam("s")).map(r -> r == ViewerLinks.Refusal.EXPIRED
                ? "this viewer link of room " + room + " has expired: ask its host for a new one"
                : "room " + room + " is private: open it with a viewer link from its host");
    }

    private void gate(RoutingContext ctx) {
        String room = ctx.pathParam("name");
        if (room == null || !links.isPrivate(room)) {
            ctx.next();
            return;
        }
        Optional<String> refused = refusal(links, room, ctx.request());
        if (refused.isPresent()) {
            ctx.response().setStatusCode(403).putHeader("Content-Type", "text/plain; charset=utf-8")
                    .putHeader("Cache-Control", "no-store").putHeader("X-Content-Type-Options", "nosniff");
            if (ctx.request().method() == HttpMethod.HEAD) {
                ctx.response().end();
            } else {
                ctx.response().end(refused.get() + "\n");
            }
            return;
        }
        ctx.put(PROPAGATE, "e=" + ctx.request().getParam("e") + "&s=" + ctx.request().getParam("s"));
        ctx.next();
    }

    /** The watch page of a private room: only with a valid link (the page itself is public code, but says the room exists). */
    private void page(RoutingContext ctx) {
        String room = ctx.pathParam("name");
        Optional<String> refused = room == null ? Optional.empty() : refusal(links, room, ctx.request());
        if (refused.isEmpty()) {
            ctx.next();
            return;
        }
        String text = refused.get().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        ctx.response().setStatusCode(403).putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store")
                .putHeader("X-Content-Type-Options", "nosniff");
        if (ctx.request().method() == HttpMethod.HEAD) {
            ctx.response().end();
        } else {
            ctx.response().end("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Amphi: private room</title>"
                    + "<link rel=\"stylesheet\" href=\"/player/amphi.css\"></head><body><header><a class=\"brand\" href=\"/\">Amphi</a></header>"
                    + "<main><h1>Private room</h1><p id=\"refusal\">" + text + ".</p></main></body></html>\n");
        }
    }

    private void issue(RoutingContext ctx) {
        String room = ctx.pathParam("name");
        if (Responses.room(ctx, registry).isEmpty()) {
            return;
        }
        long ttl = 86_400;
        String body = ctx.body().asString();
        if (body != null && !body.isBlank()) {
            try {
                JsonObject o = new JsonObject(body);
                for (String f : o.fieldNames()) {
                    if (!f.equals("ttl")) {
                        Responses.problem(ctx, 400, f, "unknown-field", "a viewer link takes only 'ttl', not '" + ProgramJson.bounded(f) + "'");
                        return;
                    }
                }
                Object v = o.getValue("ttl");
                if (v != null) {
                    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 1
                            || n.longValue() > ViewerLinks.MAX_TTL.toSeconds()) {
                        Responses.problem(ctx, 400, "ttl", "range", "ttl must be whole seconds, 1 to " + ViewerLinks.MAX_TTL.toSeconds());
                        return;
                    }
                    ttl = n.longValue();
                }
            } catch (DecodeException e) {
                Responses.problem(ctx, 400, null, "json", "the body must be a JSON object, e.g. {\"ttl\":86400}");
                return;
            }
        }
        if (!links.isPrivate(room)) {
            Responses.problem(ctx, 409, null, "not-private", "room " + room + " is not private: anyone may watch it without a link");
            return;
        }
        String query = links.issue(room, Duration.ofSeconds(ttl));
        String origin = ctx.request().scheme() + "://" + ctx.request().authority();
        String expires = Instant.ofEpochSecond(Long.parseLong(query.substring(2, query.indexOf('&')))).toString();
        Responses.json(ctx, 201, new JsonObject()
                .put("url", origin + "/watch/" + room + "?" + query)
                .put("master", origin + "/live/" + room + "/master.m3u8?" + query)
                .put("query", query)
                .put("expires", expires).encode());
    }

    private void rotate(RoutingContext ctx) {
        String room = ctx.pathParam("name");
        if (Responses.room(ctx, registry).isEmpty()) {
            return;
        }
        if (!links.isPrivate(room)) {
            Responses.problem(ctx, 409, null, "not-private", "room " + room + " is not private: it has no viewer links to revoke");
            return;
        }
        vertx.executeBlocking(() -> secrets.rotate(room), false).onComplete(done -> {
            if (done.failed()) {
                Responses.error(ctx, 503, "the new secret could not be stored; the old one stays");
                return;
            }
            if (links.isPrivate(room)) { // not made public meanwhile
                links.protect(room, done.result());
            }
            Responses.json(ctx, 200, new JsonObject().put("rotated", Instant.now().toString()).encode());
        });
    }
}
