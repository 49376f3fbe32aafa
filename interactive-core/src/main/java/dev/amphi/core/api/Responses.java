package dev.amphi.core.api;

import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
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

    /** A refusal naming the rule broken and, when there is one, the request's field: {@code {"error","field","rule"}}. */
    static void problem(RoutingContext ctx, int status, String field, String rule, String message) {
        JsonObject o = new JsonObject().put("error", message);
        if (field != null) {
            o.put("field", field);
        }
        if (rule != null) {
            o.put("rule", rule);
        }
        json(ctx, status, o.encode());
    }

    /** A route handler: 415 unless the body is declared JSON, else {@code ctx.next()} (before the body is read). */
    static void requireJson(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            problem(ctx, 415, null, "content-type", "the body must be JSON (Content-Type: application/json)");
            return;
        }
        ctx.next();
    }

    /** The credential of an {@code Authorization: Bearer CREDENTIAL} header (scheme in any case), or null for any other header. */
    static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String h = authorization.strip();
        return h.length() > 7 && h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ") ? h.substring(7).strip() : null;
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
