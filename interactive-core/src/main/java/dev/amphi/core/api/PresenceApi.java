package dev.amphi.core.api;

import dev.amphi.core.room.RoomRegistry;
import dev.amphi.core.room.ViewerEstimate;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code POST /api/rooms/{room}/presence?viewer=ID}: a watch page says it is still there (every
 * {@value ViewerEstimate#BEACON_SECONDS} s, with a random id of its own, 8 to 64 URL-safe
 * characters); 204, 400 for a missing or malformed id, 404 for an unknown room. A body, if any (a
 * browser's {@code sendBeacon} may send one), is not read. Feeds {@link ViewerEstimate}; nothing is
 * kept per viewer.
 */
public final class PresenceApi {

    private static final Pattern VIEWER = Pattern.compile("[A-Za-z0-9_-]{8,64}");

    private final RoomRegistry registry;
    private final ViewerEstimate viewers;

    public PresenceApi(RoomRegistry registry, ViewerEstimate viewers) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.viewers = Objects.requireNonNull(viewers, "viewers");
    }

    public void mount(Router router) {
        router.route(HttpMethod.POST, "/api/rooms/:name/presence").handler(this::presence);
    }

    private void presence(RoutingContext ctx) {
        if (Responses.room(ctx, registry).isEmpty()) {
            return;
        }
        String viewer = ctx.request().getParam("viewer");
        if (viewer == null || !VIEWER.matcher(viewer).matches()) {
            Responses.problem(ctx, 400, "viewer", "viewer-id", "viewer must be 8 to 64 letters, digits, '-' or '_'");
            return;
        }
        viewers.seen(ctx.pathParam("name"), viewer);
        ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end();
    }
}
