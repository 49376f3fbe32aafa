package dev.amphi.core.api;

import dev.amphi.core.comments.CommentDraft;
import dev.amphi.core.comments.CommentRefused;
import dev.amphi.core.comments.CommentRooms;
import dev.amphi.core.comments.CommentWindows;
import dev.amphi.core.comments.FloodControl;
import dev.amphi.core.comments.ViewerTokens;
import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Viewers' posting routes:
 * <ul>
 *   <li>{@code POST /api/rooms/{room}/viewer-token}: {@code 201 {"token","nickname"}}, an anonymous
 *       viewer's token ({@link ViewerTokens});</li>
 *   <li>{@code POST /api/rooms/{room}/comments} with {@code Authorization: Viewer <token>},
 *       {@code Content-Type: application/json} and {@code {"text","mode","color","at"}} ({@code at}
 *       the program time of the poster's playhead in epoch ms, clamped to the last
 *       {@code maxBehind}; absent: now): {@code 201 {"id","t","window"}} once the comment is stored.
 *       Refusals: 400 {@code {"error","rule"}} (the rules of {@link CommentDraft}, {@code json},
 *       {@code at}), 401 without a valid token, 403 comments off, 404 unknown room, 413 over the
 *       body limit, 415 not JSON, 429 with {@code Retry-After} (flood control), 503 when storing failed.</li>
 * </ul>
 * The viewer's token travels in a header, never in a cookie, so another site's page cannot post in
 * a viewer's name (it cannot read the token). Storing runs on a worker thread.
 */
public final class CommentsApi {

    /** Body limit and how far behind live a playhead's program time may be. */
    public record Limits(int maxBodyBytes, Duration maxBehind) {
        public Limits {
            if (maxBodyBytes < 256) {
                throw new IllegalArgumentException("the comment body limit must be at least 256 bytes, was " + maxBodyBytes);
            }
            Objects.requireNonNull(maxBehind, "maxBehind");
        }

        /** 8 KiB bodies; playheads up to 60 s behind live. */
        public static Limits defaults() {
            return new Limits(8 * 1024, Duration.ofSeconds(60));
        }
    }

    private final Vertx vertx;
    private final RoomRegistry registry;
    private final CommentRooms rooms;
    private final ViewerTokens tokens;
    private final FloodControl flood;
    private final Limits limits;
    private final Clock clock;
    private final SecureRandom ids = new SecureRandom();

    public CommentsApi(Vertx vertx, RoomRegistry registry, CommentRooms rooms, ViewerTokens tokens, FloodControl flood,
                       Limits limits, Clock clock) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.rooms = Objects.requireNonNull(rooms, "rooms");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.flood = Objects.requireNonNull(flood, "flood");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Adds the routes to {@code router}. */
    public void mount(Router router) {
        router.route(HttpMethod.POST, "/api/rooms/:name/viewer-token").handler(this::token);
        router.route(HttpMethod.POST, "/api/rooms/:name/comments")
                .handler(BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes()))
                .handler(this::post)
                .failureHandler(this::failed);
    }

    private void token(RoutingContext ctx) {
        if (Responses.room(ctx, registry).isEmpty()) {
            return;
        }
        String token = tokens.issue();
        ViewerTokens.Viewer v = tokens.verify(token).orElseThrow();
        Responses.json(ctx, 201, new JsonObject().put("token", token).put("nickname", v.nickname()).encode());
    }

    private void post(RoutingContext ctx) {
        Optional<Room> room = Responses.room(ctx, registry);
        if (room.isEmpty()) {
            return;
        }
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            refuse(ctx, 415, "json", "a comment is posted as Content-Type: application/json");
            return;
        }
        Optional<ViewerTokens.Viewer> viewer = viewer(ctx.request().getHeader("Authorization"));
        if (viewer.isEmpty()) {
            ctx.response().putHeader("WWW-Authenticate", "Viewer realm=\"amphi\"");
            refuse(ctx, 401, "token", "posting needs 'Authorization: Viewer <token>' (POST .../viewer-token gives one)");
            return;
        }
        String name = room.get().name();
        long now = clock.millis();
        CommentDraft draft;
        long at;
        try {
            String raw = ctx.body().asString();
            if (raw == null) {
                throw new DecodeException("no body");
            }
            JsonObject body = new JsonObject(raw);
            draft = CommentDraft.of(text(body), optional(body, "mode"), optional(body, "color"), rooms.mode(name), rooms.blocked(name));
            at = at(body, now);
        } catch (DecodeException | ClassCastException e) {
            refuse(ctx, 400, "json", "the body must be a JSON object with a string 'text'");
            return;
        } catch (CommentRefused e) {
            refuse(ctx, e.rule().equals("comments-off") ? 403 : 400, e.rule(), e.getMessage());
            return;
        }
        Optional<FloodControl.Refusal> flooded = flood.admit(name, viewer.get().id(), ctx.request().remoteAddress().hostAddress());
        if (flooded.isPresent()) {
            long seconds = Math.max(1, (flooded.get().retryAfter().toMillis() + 999) / 1000);
            ctx.response().putHeader("Retry-After", Long.toString(seconds));
            refuse(ctx, 429, flooded.get().rule(), "too many comments; try again in " + seconds + " s");
            return;
        }
        CommentWindows.Accepted comment = new CommentWindows.Accepted(ids.nextLong() & Long.MAX_VALUE, viewer.get().id(),
                viewer.get().nickname(), draft, at, now);
        vertx.<Long>executeBlocking(() -> rooms.accept(name, comment), false).onComplete(r -> {
            if (r.succeeded()) {
                Responses.json(ctx, 201, new JsonObject().put("id", Long.toString(comment.id())).put("t", comment.at())
                        .put("window", r.result()).encode());
            } else {
                refuse(ctx, 503, "store", "the comment could not be stored; try again");
            }
        });
    }

    private Optional<ViewerTokens.Viewer> viewer(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String h = header.strip();
        if (h.length() < 7 || !h.substring(0, 7).equalsIgnoreCase("viewer ")) {
            return Optional.empty();
        }
        return tokens.verify(h.substring(7).strip());
    }

    private static String text(JsonObject body) {
        Object t = body.getValue("text");
        if (t != null && !(t instanceof String)) {
            throw new CommentRefused("json", "'text' must be a string");
        }
        return (String) t;
    }

    private static String optional(JsonObject body, String field) {
        Object v = body.getValue(field);
        if (v != null && !(v instanceof String)) {
            throw new CommentRefused(field, "'" + field + "' must be a string");
        }
        return (String) v;
    }

    /** The playhead's program time, clamped to [now - maxBehind, now]; absent means now. */
    private long at(JsonObject body, long now) {
        Object v = body.getValue("at");
        if (v == null) {
            return now;
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.floor(n.doubleValue())) {
            throw new CommentRefused("at", "'at' must be the playhead's program time in epoch milliseconds");
        }
        return Math.max(now - limits.maxBehind().toMillis(), Math.min(now, n.longValue()));
    }

    private void failed(RoutingContext ctx) {
        if (ctx.response().ended()) {
            return;
        }
        if (ctx.statusCode() == 413) {
            refuse(ctx, 413, "size", "a comment's body is at most " + limits.maxBodyBytes() + " bytes");
        } else if (ctx.statusCode() == 400) {
            refuse(ctx, 400, "json", "unreadable request body");
        } else {
            ctx.next();
        }
    }

    private static void refuse(RoutingContext ctx, int status, String rule, String message) {
        Responses.json(ctx, status, new JsonObject().put("error", message).put("rule", rule).encode());
    }
}
