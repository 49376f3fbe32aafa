package dev.amphi.core.api;

import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;

/**
 * Read-only room API:
 * <ul>
 *   <li>{@code GET /api/rooms}: {@code [{"name":"lobby","title":"lobby","live":false}, ...]}</li>
 *   <li>{@code GET /api/rooms/{name}}: one such object, or 404 with a JSON error</li>
 * </ul>
 * Responses are never cached for long ({@code Cache-Control: no-cache}); CORS is the embedding server's.
 */
public final class RoomsApi {

    private final RoomRegistry registry;

    private RoomsApi(RoomRegistry registry) {
        this.registry = registry;
    }

    public static RoomsApi of(RoomRegistry registry) {
        return new RoomsApi(Objects.requireNonNull(registry, "registry"));
    }

    /** Adds the routes to {@code router}. */
    public void mount(Router router) {
        router.route(HttpMethod.GET, "/api/rooms").handler(this::list);
        router.route(HttpMethod.GET, "/api/rooms/:name").handler(this::one);
    }

    private void list(RoutingContext ctx) {
        JsonArray rooms = new JsonArray();
        for (Room room : registry.rooms()) {
            rooms.add(json(room));
        }
        Responses.json(ctx, 200, rooms.encode());
    }

    private void one(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        registry.byName(name).ifPresentOrElse(
                room -> Responses.json(ctx, 200, json(room).encode()),
                () -> Responses.json(ctx, 404, new JsonObject().put("error", "no room named '" + bounded(name) + "'").encode()));
    }

    private JsonObject json(Room room) {
        return new JsonObject()
                .put("name", room.name())
                .put("title", room.title())
                .put("live", registry.isLive(room.name()));
    }

    private static String bounded(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
