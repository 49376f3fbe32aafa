package dev.amphi.core.api;

import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The check of a room's host routes until host accounts exist: {@code Authorization: Bearer <the
 * room's stream key>}. 404 for an unknown room, 401 with {@code WWW-Authenticate: Bearer} without
 * the header, with another scheme or with a wrong key (another room's key too); otherwise on to the
 * next handler. The key is found through the registry's digest lookup and a constant-time comparison.
 */
public final class RoomKeyAuth {

    private final RoomRegistry registry;
    private final String action;

    /** @param action what needs the key, for the message, e.g. "a layout change" */
    RoomKeyAuth(RoomRegistry registry, String action) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.action = Objects.requireNonNull(action, "action");
    }

    /** A route handler: answers 404/401 or calls {@code ctx.next()}. */
    void handle(RoutingContext ctx) {
        Optional<Room> room = Responses.room(ctx, registry);
        if (room.isEmpty()) {
            return;
        }
        String header = ctx.request().getHeader("Authorization");
        if (header == null || header.isBlank()) {
            unauthorized(ctx, null, action + " needs 'Authorization: Bearer <the room's stream key>'");
            return;
        }
        String h = header.strip();
        if (h.length() < 7 || !h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            unauthorized(ctx, "invalid_request", "Authorization must use the Bearer scheme with the room's stream key");
            return;
        }
        if (!holdsKey(registry, room.get(), h)) {
            unauthorized(ctx, "invalid_token", "wrong key for room " + room.get().name());
            return;
        }
        ctx.next();
    }

    /**
     * Whether {@code authorization} is {@code Bearer <room's key>}, or a host's own key or join token
     * for the room (no answer sent either way).
     */
    public static boolean holdsKey(RoomRegistry registry, Room room, String authorization) {
        String credential = Responses.bearer(authorization);
        return credential != null && registry.byStreamKey(credential).map(r -> r.name().equals(room.name())).orElse(false)
                || registry.isHost(room.name(), credential); // a host's own key or join link
    }

    private static void unauthorized(RoutingContext ctx, String error, String message) {
        ctx.response().putHeader("WWW-Authenticate",
                "Bearer realm=\"amphi\"" + (error == null ? "" : ", error=\"" + error + "\""));
        Responses.error(ctx, 401, message);
    }
}
