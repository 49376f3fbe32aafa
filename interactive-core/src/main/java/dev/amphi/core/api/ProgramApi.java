package dev.amphi.core.api;

import dev.amphi.core.comments.CommentHub;
import dev.amphi.core.room.LayoutChoice;
import dev.amphi.core.room.ProgramControl;
import dev.amphi.core.room.RoomRegistry;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.Objects;

/**
 * A composited room's program over HTTP:
 * <ul>
 *   <li>{@code GET /api/rooms/{name}/program}: mode ({@code composite}/{@code passthrough}),
 *       {@code running}, {@code live}, {@code layout}, {@code activeSpeaker}, {@code speakers} with
 *       their levels (see {@link ProgramJson});</li>
 *   <li>{@code PUT /api/rooms/{name}/layout} with {@code {"layout":"speaker"}},
 *       {@code {"layout":"gallery","page":2}} or {@code {"layout":"presentation","source":"ID"}} and
 *       {@code Authorization: Bearer <the room's stream key>}: 204 when switched; 400 for a body that
 *       is not such a layout or a source that is not a speaker of the room; 401 with
 *       {@code WWW-Authenticate: Bearer} without the right key; 404 for an unknown room; 409 for a
 *       room that passes its publisher through; 413 for a body over {@link Limits#maxBodyBytes()};</li>
 *   <li>{@code GET /api/rooms/{name}/events}: Server-Sent Events, see {@link ProgramEventStreams}.</li>
 * </ul>
 * Nothing is cached ({@code Cache-Control: no-cache}). CORS (the key, not the origin, is what protects
 * a layout change) is the embedding server's, in one place for all its routes. Handlers run on the
 * Vert.x event loop and only call the non-blocking {@link ProgramControl}.
 */
public final class ProgramApi {

    /**
     * Limits of the program API.
     *
     * @param maxEventStreams event streams open at once over all rooms; one more gets 503
     * @param heartbeat       interval of the comment line that keeps idle event streams (and the
     *                        proxies in front of them) from timing out, 1 s .. 5 min
     * @param maxBodyBytes    largest layout request body, 64 B .. 64 KiB
     */
    public record Limits(int maxEventStreams, Duration heartbeat, int maxBodyBytes) {
        public Limits {
            Objects.requireNonNull(heartbeat, "heartbeat");
            if (maxEventStreams < 1) {
                throw new IllegalArgumentException("maxEventStreams must be at least 1, was " + maxEventStreams);
            }
            if (heartbeat.compareTo(Duration.ofSeconds(1)) < 0 || heartbeat.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("heartbeat must be within 1 s .. 5 min, was " + heartbeat);
            }
            if (maxBodyBytes < 64 || maxBodyBytes > 65_536) {
                throw new IllegalArgumentException("maxBodyBytes must be within 64..65536, was " + maxBodyBytes);
            }
        }

        /** 1000 event streams, a heartbeat every 15 s, 4 KiB bodies. */
        public static Limits defaults() {
            return new Limits(1000, Duration.ofSeconds(15), 4096);
        }
    }

    private final RoomRegistry registry;
    private final ProgramControl control;
    private final Limits limits;
    private final ProgramEventStreams streams;

    private ProgramApi(RoomRegistry registry, ProgramControl control, Limits limits) {
        this.registry = registry;
        this.control = control;
        this.limits = limits;
        this.streams = new ProgramEventStreams(registry, control, limits.maxEventStreams(), limits.heartbeat());
    }

    public static ProgramApi of(RoomRegistry registry, ProgramControl control, Limits limits) {
        return new ProgramApi(Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(control, "control"),
                Objects.requireNonNull(limits, "limits"));
    }

    /** Adds the routes to {@code router}. */
    public void mount(Router router) {
        router.route(HttpMethod.GET, "/api/rooms/:name/program").handler(this::program);
        router.route(HttpMethod.PUT, "/api/rooms/:name/layout")
                .handler(BodyHandler.create(false).setBodyLimit(limits.maxBodyBytes()))
                .handler(new RoomKeyAuth(registry, "a layout change")::handle)
                .handler(this::layout)
                .failureHandler(this::failed);
        router.route(HttpMethod.GET, "/api/rooms/:name/events").handler(ctx -> Responses.room(ctx, registry)
                .ifPresent(r -> streams.open(ctx, r, RoomKeyAuth.holdsKey(registry, r, ctx.request().getHeader("Authorization")))));
    }

    /** The listener that puts each room's comment events on its event streams. */
    public CommentHub.Listener commentEvents() {
        return streams.commentListener();
    }

    /**
     * What the hosts' event streams report as each room's viewers (a {@code levels} event's
     * {@code viewers}); none until set.
     */
    public ProgramApi viewers(java.util.function.ToIntFunction<String> estimate) {
        streams.viewers(estimate);
        return this;
    }

    /** Event streams open now, over all rooms. */
    public int openEventStreams() {
        return streams.openCount();
    }

    private void program(RoutingContext ctx) {
        Responses.room(ctx, registry).ifPresent(room -> Responses.json(ctx, 200,
                ProgramJson.state(room.name(), control.state(room.name()), registry.isLive(room.name())).encode()));
    }

    private void layout(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        LayoutChoice choice;
        try {
            choice = ProgramJson.parseLayout(ctx.body().asString());
        } catch (IllegalArgumentException e) {
            Responses.error(ctx, 400, e.getMessage());
            return;
        }
        try {
            control.layout(name, choice);
        } catch (IllegalStateException e) {
            Responses.error(ctx, 409, e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            Responses.error(ctx, 400, e.getMessage());
            return;
        }
        ctx.response()
                .setStatusCode(204)
                .putHeader("Cache-Control", "no-cache")
                .end();
    }

    private void failed(RoutingContext ctx) {
        if (ctx.response().ended()) {
            return;
        }
        if (ctx.statusCode() == 413) {
            Responses.error(ctx, 413, "layout request body is over " + limits.maxBodyBytes() + " bytes");
        } else if (ctx.statusCode() == 400) {
            Responses.error(ctx, 400, "unreadable request body");
        } else {
            ctx.next();
        }
    }
}
