package dev.amphi.core.api;

import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * The server's administrator: {@code Authorization: Bearer <admin token>}. A request without the
 * header gets 401 (with {@code WWW-Authenticate}), one with another token 403. Compared in
 * constant time.
 */
public final class AdminAuth {

    private final byte[] token;

    public AdminAuth(String token) {
        Objects.requireNonNull(token, "token");
        if (token.length() < 16) {
            throw new IllegalArgumentException("the admin token must be at least 16 characters");
        }
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether {@code authorization} is {@code Bearer <the admin token>}. */
    public boolean holds(String authorization) {
        String credential = Responses.bearer(authorization);
        return credential != null && MessageDigest.isEqual(token, credential.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A route handler for a room's own business (its people, its settings): the admin token, or the
     * own key or join token of a host of the room named by the path's {@code name}; 401 without
     * credentials, 403 with others (the room's shared stream key among them: every speaker has it).
     */
    io.vertx.core.Handler<RoutingContext> orHostOf(dev.amphi.core.room.RoomRegistry registry) {
        return ctx -> {
            String header = ctx.request().getHeader("Authorization");
            if (header != null && !holds(header)) {
                String room = ctx.pathParam("name");
                if (room != null && registry.isHost(room, Responses.bearer(header))) {
                    ctx.next();
                    return;
                }
                if (header.isBlank()) {
                    handle(ctx);
                    return;
                }
                Responses.error(ctx, 403, "this needs the admin token or the own key or join link of a host of room '"
                        + ProgramJson.bounded(room == null ? "" : room) + "'");
                return;
            }
            handle(ctx);
        };
    }

    /** A route handler: answers 401/403 or calls {@code ctx.next()}. */
    void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || header.isBlank()) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"amphi-admin\"");
            Responses.error(ctx, 401, "this needs 'Authorization: Bearer <the admin token>' (--admin-token, or the data "
                    + "directory's admin-token file)");
            return;
        }
        if (!holds(header)) {
            Responses.error(ctx, 403, "that is not the admin token");
            return;
        }
        ctx.next();
    }
}
