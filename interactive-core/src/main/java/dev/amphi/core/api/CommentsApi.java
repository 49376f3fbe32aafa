package dev.amphi.core.api;

import dev.amphi.core.comments.CommentDraft;
import dev.amphi.core.comments.CommentRefused;
import dev.amphi.core.comments.CommentRooms;
import dev.amphi.core.comments.CommentSettings;
import dev.amphi.core.comments.CommentWindows;
import dev.amphi.core.comments.FloodControl;
import dev.amphi.core.comments.Reactions;
import dev.amphi.core.comments.RoomCommentMode;
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
 *       {@code maxBehind}; absent: now): {@code 201 {"id","t","window"}} once the comment is stored
 *       ({@code {"id","t","held":true}} when the room holds comments for approval).
 *       Refusals: 400 {@code {"error","rule"}} (the rules of {@link CommentDraft}, {@code json},
 *       {@code at}), 401 without a valid token, 403 comments off or the viewer muted, 404 unknown
 *       room, 413 over the body limit, 415 not JSON, 429 with {@code Retry-After} (flood control,
 *       slow mode), 503 when storing failed.</li>
 *   <li>{@code POST /api/rooms/{room}/reactions}, the same headers, {@code {"emoji","at"}}: {@code 202
 *       {"t"}} once counted (memory only: counts per second reach viewers in the comment windows);
 *       400 {@code reaction} for an emoji not in the set, 403, 429 as above with their own rates.</li>
 * </ul>
 * The viewer's token travels in a header, never in a cookie, so another site's page cannot post in
 * a viewer's name (it cannot read the token). Storing runs on a worker thread.
 */
public final class CommentsApi {

    /**
     * Body limit, how far behind live a playhead's program time may be (the playlist's window) and
     * how a request's address is found (behind trusted proxies: {@code X-Forwarded-For}).
     */
    public record Limits(int maxBodyBytes, Duration maxBehind, ClientAddress addresses) {
        public Limits {
            if (maxBodyBytes < 256) {
                throw new IllegalArgumentException("the comment body limit must be at least 256 bytes, was " + maxBodyBytes);
            }
            Objects.requireNonNull(maxBehind, "maxBehind");
            Objects.requireNonNull(addresses, "addresses");
        }

        /** 8 KiB bodies; playheads up to 60 s behind live; the TCP peer's address. */
        public static Limits defaults() {
            return new Limits(8 * 1024, Duration.ofSeconds(60), ClientAddress.direct());
        }
    }

    /**
     * Reactions are taps, counted in memory: a viewer may send 20 at once, then 5 a second; an
     * address 300 at once, then 100 a second; a room 10,000 at once, then 5,000 a second.
     */
    static final FloodControl.Limits REACTION_RATES = new FloodControl.Limits(new FloodControl.Rate(20, Duration.ofMillis(200)),
            new FloodControl.Rate(300, Duration.ofMillis(10)), new FloodControl.Rate(10_000, Duration.ofNanos(200_000)));

    private final Vertx vertx;
    private final RoomRegistry registry;
    private final CommentRooms rooms;
    private final ViewerTokens tokens;
    private final FloodControl flood;
    private final Limits limits;
    private final Clock clock;
    private final FloodControl reactionFlood;
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
        this.reactionFlood = new FloodControl(REACTION_RATES, System::nanoTime);
    }

    /** Adds the routes to {@code router}. */
    public void mount(Router router) {
        router.route(HttpMethod.POST, "/api/rooms/:name/viewer-token").handler(this::token);
        router.route(HttpMethod.POST, "/api/rooms/:name/comments")
                .handler(BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes()))
                .handler(this::post)
                .failureHandler(this::failed);
        router.route(HttpMethod.POST, "/api/rooms/:name/reactions")
                .handler(BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes()))
                .handler(this::react)
                .failureHandler(this::failed);
    }

    /** A viewer's post that passed the checks every post meets: room, JSON, token, body. */
    private record Post(String room, ViewerTokens.Viewer viewer, JsonObject body, long now) {
    }

    /** The checks every viewer's post meets; empty when a refusal was sent. */
    private Optional<Post> admitPost(RoutingContext ctx) {
        Optional<Room> room = Responses.room(ctx, registry);
        if (room.isEmpty()) {
            return Optional.empty();
        }
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            refuse(ctx, 415, "json", "a comment or reaction is posted as Content-Type: application/json");
            return Optional.empty();
        }
        Optional<ViewerTokens.Viewer> viewer = viewer(ctx.request().getHeader("Authorization"));
        if (viewer.isEmpty()) {
            ctx.response().putHeader("WWW-Authenticate", "Viewer realm=\"amphi\"");
            refuse(ctx, 401, "token", "posting needs 'Authorization: Viewer <token>' (POST .../viewer-token gives one)");
            return Optional.empty();
        }
        String name = room.get().name();
        if (rooms.muted(name, viewer.get().id())) {
            refuse(ctx, 403, "muted", "a moderator muted you in this room");
            return Optional.empty();
        }
        try {
            String raw = ctx.body().asString();
            if (raw == null) {
                throw new DecodeException("no body");
            }
            return Optional.of(new Post(name, viewer.get(), new JsonObject(raw), clock.millis()));
        } catch (DecodeException | ClassCastException e) {
            refuse(ctx, 400, "json", "the body must be a JSON object");
            return Optional.empty();
        }
    }

    private void react(RoutingContext ctx) {
        Optional<Post> post = admitPost(ctx);
        if (post.isEmpty()) {
            return;
        }
        Post p = post.get();
        String reaction;
        long at;
        try {
            if (rooms.settings(p.room()).mode() == RoomCommentMode.OFF) {
                throw new CommentRefused("comments-off", "comments and reactions are off in this room");
            }
            Object emoji = p.body().getValue("emoji");
            reaction = Reactions.parse(emoji instanceof String e ? e : null);
            at = at(p.body(), p.now());
        } catch (CommentRefused e) {
            refuse(ctx, e.rule().equals("comments-off") ? 403 : 400, e.rule(), e.getMessage());
            return;
        }
        if (tooMany(ctx, reactionFlood.admit(p.room(), p.viewer().id(), limits.addresses().of(ctx.request())))) {
            return;
        }
        rooms.react(p.room(), reaction, at);
        Responses.json(ctx, 202, new JsonObject().put("t", at).encode());
    }

    private boolean tooMany(RoutingContext ctx, Optional<FloodControl.Refusal> flooded) {
        if (flooded.isEmpty()) {
            return false;
        }
        long seconds = Math.max(1, (flooded.get().retryAfter().toMillis() + 999) / 1000);
        ctx.response().putHeader("Retry-After", Long.toString(seconds));
        refuse(ctx, 429, flooded.get().rule(), "too many; try again in " + seconds + " s");
        return true;
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
        Optional<Post> post = admitPost(ctx);
        if (post.isEmpty()) {
            return;
        }
        Post p = post.get();
        CommentSettings settings = rooms.settings(p.room());
        CommentDraft draft;
        long at;
        try {
            draft = CommentDraft.of(text(p.body()), optional(p.body(), "mode"), optional(p.body(), "color"), settings.mode(),
                    rooms.blocked(p.room()));
            at = at(p.body(), p.now());
        } catch (ClassCastException e) {
            refuse(ctx, 400, "json", "the body must be a JSON object with a string 'text'");
            return;
        } catch (CommentRefused e) {
            refuse(ctx, e.rule().equals("comments-off") ? 403 : 400, e.rule(), e.getMessage());
            return;
        }
        if (tooMany(ctx, flood.admit(p.room(), p.viewer().id(), limits.addresses().of(ctx.request()), settings.slowMode()))) {
            return;
        }
        CommentWindows.Accepted comment = new CommentWindows.Accepted(ids.nextLong() & Long.MAX_VALUE, p.viewer().id(),
                p.viewer().nickname(), draft, at, p.now());
        vertx.<Long>executeBlocking(() -> rooms.accept(p.room(), comment), false).onComplete(r -> {
            if (r.succeeded()) {
                JsonObject answer = new JsonObject().put("id", Long.toString(comment.id())).put("t", comment.at());
                if (r.result() < 0) {
                    answer.put("held", true);
                } else {
                    answer.put("window", r.result());
                }
                Responses.json(ctx, 201, answer.encode());
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
