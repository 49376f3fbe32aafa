package dev.amphi.core.api;

import dev.amphi.core.comments.CommentHub;
import dev.amphi.core.comments.CommentSettings;
import dev.amphi.core.comments.CommentWindows;
import dev.amphi.core.room.RoomRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * A room's moderation routes, each behind the room's key ({@code Authorization: Bearer}, until host
 * accounts exist):
 * <ul>
 *   <li>{@code DELETE /api/rooms/{room}/comments/{id}}: 204; a comment whose window is not published
 *       yet never reaches a viewer, a published one is listed as removed; 404 unknown id.</li>
 *   <li>{@code GET /api/rooms/{room}/comments/held}: the comments waiting for approval;
 *       {@code POST /api/rooms/{room}/comments/{id}/approve}: 204, it goes out (keeping its time);
 *       404 when no such comment is held.</li>
 *   <li>{@code PUT} / {@code DELETE /api/rooms/{room}/viewers/{viewer}/muted}: 204; a muted viewer's
 *       posts get 403 {@code muted} (kept in the database).</li>
 *   <li>{@code GET} / {@code PUT /api/rooms/{room}/comment-settings} {@code {"mode","slowMode","hold"}}
 *       (any of them; 400 naming the field): 200 with the settings.</li>
 * </ul>
 * Blocking changes run on a worker; 503 when the database failed.
 */
public final class CommentModerationApi {

    private static final Pattern ID = Pattern.compile("\\d{1,19}");
    private static final Pattern VIEWER = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    private final Vertx vertx;
    private final RoomRegistry registry;
    private final CommentHub hub;

    public CommentModerationApi(Vertx vertx, RoomRegistry registry, CommentHub hub) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.hub = Objects.requireNonNull(hub, "hub");
    }

    /** Adds the routes to {@code router}. */
    public void mount(Router router) {
        RoomKeyAuth auth = new RoomKeyAuth(registry, "moderation");
        router.route(HttpMethod.GET, "/api/rooms/:name/comments/held").handler(auth::handle).handler(this::held);
        router.route(HttpMethod.DELETE, "/api/rooms/:name/comments/:id").handler(auth::handle).handler(this::delete);
        router.route(HttpMethod.POST, "/api/rooms/:name/comments/:id/approve").handler(auth::handle).handler(this::approve);
        router.route("/api/rooms/:name/viewers/:viewer/muted").method(HttpMethod.PUT).method(HttpMethod.DELETE)
                .handler(auth::handle).handler(this::mute);
        router.route(HttpMethod.GET, "/api/rooms/:name/comment-settings").handler(auth::handle)
                .handler(ctx -> Responses.json(ctx, 200, CommentJson.settings(hub.settings(ctx.pathParam("name"))).encode()));
        router.route(HttpMethod.PUT, "/api/rooms/:name/comment-settings")
                .handler(BodyHandler.create(false).setBodyLimit(4096)).handler(auth::handle).handler(this::settings);
    }

    private void held(RoutingContext ctx) {
        JsonArray out = new JsonArray();
        for (CommentWindows.Accepted c : hub.held(ctx.pathParam("name"))) {
            out.add(CommentJson.forHosts(c, true));
        }
        Responses.json(ctx, 200, out.encode());
    }

    private void delete(RoutingContext ctx) {
        String room = ctx.pathParam("name");
        withId(ctx).ifPresent(id -> change(ctx, () -> hub.delete(room, id), "no comment " + id + " in room " + room));
    }

    private void approve(RoutingContext ctx) {
        String room = ctx.pathParam("name");
        withId(ctx).ifPresent(id -> change(ctx, () -> hub.approve(room, id), "no comment " + id + " is held in room " + room));
    }

    private Optional<Long> withId(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        if (!ID.matcher(id).matches()) {
            Responses.error(ctx, 404, "comment ids are numbers, as the comment's \"id\"");
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(id));
        } catch (NumberFormatException e) {
            Responses.error(ctx, 404, "comment ids are numbers, as the comment's \"id\"");
            return Optional.empty();
        }
    }

    private void mute(RoutingContext ctx) {
        String room = ctx.pathParam("name");
        String viewer = ctx.pathParam("viewer");
        if (!VIEWER.matcher(viewer).matches()) {
            Responses.error(ctx, 400, "a viewer is the \"viewer\" of a comment on the room's event stream");
            return;
        }
        boolean muted = ctx.request().method() == HttpMethod.PUT;
        change(ctx, () -> {
            hub.mute(room, viewer, muted);
            return true;
        }, null);
    }

    private void settings(RoutingContext ctx) {
        String room = ctx.pathParam("name");
        CommentSettings next;
        try {
            next = CommentJson.parseSettings(ctx.body().asString(), hub.settings(room));
        } catch (IllegalArgumentException e) {
            Responses.error(ctx, 400, e.getMessage());
            return;
        }
        vertx.executeBlocking(() -> {
            hub.settings(room, next);
            return null;
        }, false).onComplete(r -> {
            if (r.failed()) {
                Responses.error(ctx, 503, "the settings could not be stored; try again");
            } else {
                Responses.json(ctx, 200, CommentJson.settings(next).encode());
            }
        });
    }

    /** Runs a blocking change on a worker: 204 when it found its target, 404 {@code missing} otherwise. */
    private void change(RoutingContext ctx, Callable<Boolean> change, String missing) {
        vertx.executeBlocking(change, false).onComplete(r -> {
            if (r.failed()) {
                Responses.error(ctx, 503, "the change could not be stored; try again");
            } else if (r.result()) {
                ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-cache").end();
            } else {
                Responses.error(ctx, 404, missing);
            }
        });
    }
}
