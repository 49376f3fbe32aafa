package dev.amphi.core.api;

import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** The API's JSON responses: never cached. */
final class Responses {

    private Responses() {
    }

    static void json(RoutingContext ctx, int status, String body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .end(body);
    }

    static void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, ProgramJson.error(message).encode());
    }

    /** The room named by the path's {@code name}, or empty after a 404 naming it (bounded). */
    static Optional<Room> room(RoutingContext ctx, RoomRegistry registry) {
        String name = ctx.pathParam("name");
        Optional<Room> room = registry.byName(name);
        if (room.isEmpty()) {
            error(ctx, 404, "no room named '" + ProgramJson.bounded(name) + "'");
        }
        return room;
    }
}
