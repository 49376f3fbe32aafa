package dev.amphi.core.api;

import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * The host's check, until host accounts exist: {@code Authorization: Bearer <the room's stream key>},
 * looked up through the registry's key digest and compared in constant time
 * ({@link RoomRegistry#byStreamKey}); another room's key is a wrong key. Without it the answer is 401
 * with {@code WWW-Authenticate: Bearer realm="amphi"} (and {@code error="invalid_request"} for another
 * scheme, {@code error="invalid_token"} for a wrong key). Runs on the event loop: no blocking.
 */
final class HostKey {

    private HostKey() {
    }

    /**
     * Whether the request carries {@code room}'s stream key; if not, the 401 has been sent.
     *
     * @param action what the key is for, in the message without a key ("a layout change")
     */
    static boolean check(RoutingContext ctx, RoomRegistry registry, Room room, String action) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || header.isBlank()) {
            unauthorized(ctx, null, action + " needs 'Authorization: Bearer <the room's stream key>'");
            return false;
        }
        String h = header.strip();
        if (h.length() < 7 || !h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            unauthorized(ctx, "invalid_request", "Authorization must use the Bearer scheme with the room's stream key");
            return false;
        }
        String token = h.substring(7).strip();
        boolean ok = registry.byStreamKey(token).map(r -> r.name().equals(room.name())).orElse(false);
        if (!ok) {
            unauthorized(ctx, "invalid_token", "wrong key for room " + room.name());
            return false;
        }
        return true;
    }

    private static void unauthorized(RoutingContext ctx, String error, String message) {
        ctx.response().putHeader("WWW-Authenticate",
                "Bearer realm=\"amphi\"" + (error == null ? "" : ", error=\"" + error + "\""));
        Responses.error(ctx, 401, message);
    }
}
