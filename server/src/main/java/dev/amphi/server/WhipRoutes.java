package dev.amphi.server;

import dev.amphi.core.api.RoomKeyAuth;
import dev.amphi.core.room.JoinLinks;
import dev.amphi.core.room.People;
import dev.amphi.core.room.Person;
import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import dev.amphi.ingest.webrtc.whip.IceServer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WHIP (RFC 9725) for speakers: {@code POST /api/rooms/ROOM/whip} with an SDP offer and
 * {@code Authorization: Bearer <the room's key>} makes a session ({@code 201}, the answer, its
 * {@code Location}, the ICE servers as {@code Link} headers); {@code DELETE} on the location ends it;
 * {@code GET /api/rooms/ROOM/ice-servers} gives the same servers as JSON to the speaker page. A
 * send-only offer is a strict WHIP publisher (OBS); a send-and-receive offer also gets the room's
 * program back; a receive-only offer listens ({@code ?speaker=NAME} leaves that speaker's own voice out).
 *
 * <p>Errors: 400 bad SDP or name, 401 a missing or wrong key, 404 unknown room or session, 405
 * trickle ICE ({@code PATCH}: candidates come in the offer), 409 the room is full or passes one
 * publisher through, 413 an offer over {@link #MAX_OFFER_BYTES}, 415 not {@code application/sdp},
 * 503 WebRTC off or the server stopping.
 */
final class WhipRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(WhipRoutes.class);
    /** Largest offer read (a browser's offer with audio, video and screen share is about 6 KiB). */
    static final int MAX_OFFER_BYTES = 64 * 1024;
    private static final String BASE = "/api/rooms/:name/whip";

    private final RoomRegistry rooms;
    private final WebRtcSessions sessions;
    private final People people;
    private final JoinLinks links;

    WhipRoutes(RoomRegistry rooms, WebRtcSessions sessions) {
        this(rooms, sessions, new People(), null);
    }

    /**
     * Also takes, as the Bearer, the key of someone of the room ({@code people}) or a join token of
     * theirs ({@code links}); they join under their display name.
     */
    WhipRoutes(RoomRegistry rooms, WebRtcSessions sessions, People people, JoinLinks links) {
        this.rooms = rooms;
        this.sessions = sessions;
        this.people = people;
        this.links = links;
    }

    void mount(Router router) {
        // the key and the content type are checked before the body is read (a route of its own: Vert.x
        // wants a body handler first on its route)
        router.route(HttpMethod.POST, BASE).handler(this::preconditions);
        router.route(HttpMethod.POST, BASE).handler(BodyHandler.create(false).setBodyLimit(MAX_OFFER_BYTES)).handler(this::offer);
        router.route(HttpMethod.DELETE, BASE + "/:session").handler(this::end);
        router.route(HttpMethod.PATCH, BASE + "/:session").handler(ctx -> {
            ctx.response().putHeader("Allow", "DELETE");
            text(ctx, 405, "trickle ICE is not supported: send every candidate in the offer");
        });
        router.route(HttpMethod.GET, "/api/rooms/:name/ice-servers").handler(this::iceServers);
    }

    /** Room, key, WebRTC on, content type: checked before the body is read. */
    private void preconditions(RoutingContext ctx) {
        Optional<Room> room = authorized(ctx);
        if (room.isEmpty()) {
            return;
        }
        if (!sessions.enabled()) {
            text(ctx, 503, "WebRTC is off on this server (--webrtc-udp-port off)");
            return;
        }
        if (rooms.isEnded(room.get().name())) {
            text(ctx, 409, "the event in room " + room.get().name() + " has ended");
            return;
        }
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || !type.split(";")[0].strip().toLowerCase(Locale.ROOT).equals("application/sdp")) {
            text(ctx, 415, "a WHIP offer is sent as Content-Type: application/sdp");
            return;
        }
        ctx.put("room", room.get());
        ctx.next();
    }

    private void offer(RoutingContext ctx) {
        Room room = ctx.get("room");
        byte[] sdp = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        if (sdp.length == 0) {
            text(ctx, 400, "the request has no SDP offer");
            return;
        }
        Person person = ctx.get("person");
        Optional<String> name = person != null ? Optional.of(person.displayName()) : Optional.ofNullable(ctx.request().getParam("name"));
        Optional<String> listenAs = Optional.ofNullable(ctx.request().getParam("speaker"));
        var remote = ctx.request().remoteAddress();
        WebRtcSessions.Offer offer = new WebRtcSessions.Offer(sdp, name, listenAs,
                remote == null ? null : InetSocketAddress.createUnresolved(remote.hostAddress(), remote.port()));
        sessions.offer(room, offer).whenComplete((created, failure) -> {
            if (ctx.response().ended() || ctx.response().closed()) {
                if (created != null) {
                    sessions.end(room.name(), created.id()); // the client is gone: nobody will use it
                }
                return;
            }
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                if (cause instanceof WebRtcSessions.WhipFailure f) {
                    text(ctx, f.status(), f.getMessage());
                } else {
                    LOG.warn("WHIP offer for room {} failed", room.name(), cause);
                    text(ctx, 500, "the session could not be made; try again");
                }
                return;
            }
            var response = ctx.response().setStatusCode(201)
                    .putHeader("Content-Type", "application/sdp")
                    .putHeader("Location", "/api/rooms/" + room.name() + "/whip/" + created.id())
                    .putHeader("Cache-Control", "no-store");
            for (IceServer s : sessions.iceServers()) {
                response.headers().add("Link", s.linkHeader());
            }
            response.end(created.answer());
        });
    }

    private void end(RoutingContext ctx) {
        Optional<Room> room = authorized(ctx);
        if (room.isEmpty()) {
            return;
        }
        if (sessions.end(room.get().name(), ctx.pathParam("session"))) {
            ctx.response().setStatusCode(200).putHeader("Cache-Control", "no-store").end();
        } else {
            text(ctx, 404, "no such session in room " + room.get().name());
        }
    }

    private void iceServers(RoutingContext ctx) {
        if (authorized(ctx).isEmpty()) {
            return;
        }
        JsonArray list = new JsonArray();
        for (IceServer s : sessions.iceServers()) {
            JsonObject o = new JsonObject().put("urls", new JsonArray().add(s.url()));
            s.username().ifPresent(u -> o.put("username", u));
            s.credential().ifPresent(c -> o.put("credential", c));
            list.add(o);
        }
        ctx.response().putHeader("Content-Type", "application/json; charset=utf-8").putHeader("Cache-Control", "no-store")
                .end(new JsonObject().put("iceServers", list).encode());
    }

    /** The path's room when the request holds its key; else a 404 or 401 was sent. */
    private Optional<Room> authorized(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        Optional<Room> room = rooms.byName(name);
        if (room.isEmpty()) {
            text(ctx, 404, "no room named '" + (name.length() > 64 ? name.substring(0, 64) + "..." : name) + "'");
            return Optional.empty();
        }
        String auth = ctx.request().getHeader("Authorization");
        Optional<Person> person = person(room.get(), auth);
        person.ifPresent(p -> ctx.put("person", p));
        if (person.isEmpty() && !RoomKeyAuth.holdsKey(rooms, room.get(), auth)) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"amphi\""
                    + (auth == null || auth.isBlank() ? "" : ", error=\"invalid_token\""));
            text(ctx, 401, auth == null || auth.isBlank() ? "joining needs 'Authorization: Bearer <the room's stream key>'"
                    : "wrong key for room " + room.get().name());
            return Optional.empty();
        }
        return room;
    }

    /** The person of {@code room} whose own key or join token the Bearer {@code authorization} holds. */
    private Optional<Person> person(Room room, String authorization) {
        if (authorization == null || authorization.length() < 8 || !authorization.substring(0, 7).equalsIgnoreCase("bearer ")) {
            return Optional.empty();
        }
        String credential = authorization.substring(7).strip();
        Optional<Person> p = people.byStreamKey(credential);
        if (p.isEmpty() && links != null) {
            p = links.verify(credential, people);
        }
        return p.filter(x -> x.room().equals(room.name()));
    }

    private static void text(RoutingContext ctx, int status, String message) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8")
                .putHeader("Cache-Control", "no-store").end(message + "\n");
    }
}
