package dev.amphi.core.api;

import dev.amphi.core.room.JoinLinks;
import dev.amphi.core.room.People;
import dev.amphi.core.room.Person;
import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import dev.amphi.core.room.StreamKeyStore;
import dev.amphi.core.store.PeopleStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Per-person credentials of a room, for the administrator or a host of the room ({@link AdminAuth#orHostOf}):
 * <ul>
 *   <li>{@code POST /api/rooms/{room}/speakers} {@code {"displayName","role"}} (role {@code speaker},
 *       the default, or {@code host}): 201 {@code {"id","displayName","role","streamKey","joinUrl",
 *       "joinExpires"}}: their own RTMP key and a signed join link for the speaker page;</li>
 *   <li>{@code GET /api/rooms/{room}/speakers}: everyone of the room, keys and fresh join links included
 *       (a host's also has {@code hostUrl}, their way into the host console);</li>
 *   <li>{@code POST /api/rooms/{room}/speakers/{id}/regenerate}: a new key and join link (the old
 *       ones stop working at once);</li>
 *   <li>{@code DELETE /api/rooms/{room}/speakers/{id}}: revokes them (their key and links are
 *       refused, their connections closed; the record stays, revoked).</li>
 * </ul>
 * A publisher with such a key (RTMP, or WHIP with it or a join token as the Bearer) joins the room
 * under the display name given here, whatever name it asks for. Stored before the answer.
 */
public final class SpeakersApi {

    /** How long a join link is good for. */
    public static final Duration LINK_TTL = Duration.ofDays(7);
    private static final Set<String> FIELDS = Set.of("displayName", "role");

    private final Vertx vertx;
    private final RoomRegistry registry;
    private final People people;
    private final PeopleStore store;
    private final JoinLinks links;
    private final AdminAuth auth;
    private final Function<String, Optional<String>> names;
    private final StreamKeyStore keys;
    private final java.util.function.Consumer<Person> revoked;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param names a display name's rule: the name as shown, empty for a blank one, or an
     *              {@link IllegalArgumentException} saying what is wrong (the server's speaker-name rule)
     */
    public SpeakersApi(Vertx vertx, RoomRegistry registry, People people, PeopleStore store, JoinLinks links, AdminAuth auth,
                       Function<String, Optional<String>> names, StreamKeyStore keys) {
        this(vertx, registry, people, store, links, auth, names, keys, p -> { });
    }

    /** As above; {@code revoked} hears of each revocation once stored (the server closes their connections). */
    public SpeakersApi(Vertx vertx, RoomRegistry registry, People people, PeopleStore store, JoinLinks links, AdminAuth auth,
                       Function<String, Optional<String>> names, StreamKeyStore keys, java.util.function.Consumer<Person> revoked) {
        this.revoked = Objects.requireNonNull(revoked, "revoked");
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.people = Objects.requireNonNull(people, "people");
        this.store = Objects.requireNonNull(store, "store");
        this.links = Objects.requireNonNull(links, "links");
        this.auth = Objects.requireNonNull(auth, "auth");
        this.names = Objects.requireNonNull(names, "names");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** Adds the routes to {@code router}. */
    public void mount(Router router) {
        router.route(HttpMethod.POST, "/api/rooms/:name/speakers").handler(auth.orHostOf(registry)).handler(this::room).handler(Responses::requireJson);
        router.route(HttpMethod.POST, "/api/rooms/:name/speakers").handler(BodyHandler.create(false).setBodyLimit(4096)).handler(this::create);
        router.route(HttpMethod.GET, "/api/rooms/:name/speakers").handler(auth.orHostOf(registry)).handler(this::room).handler(this::list);
        router.route(HttpMethod.POST, "/api/rooms/:name/speakers/:id/regenerate").handler(auth.orHostOf(registry)).handler(this::room)
                .handler(ctx -> change(ctx, true));
        router.route(HttpMethod.DELETE, "/api/rooms/:name/speakers/:id").handler(auth.orHostOf(registry)).handler(this::room)
                .handler(ctx -> change(ctx, false));
    }

    private void room(RoutingContext ctx) {
        Optional<Room> room = Responses.room(ctx, registry);
        if (room.isPresent()) {
            ctx.put("room", room.get());
            ctx.next();
        }
    }

    private void create(RoutingContext ctx) {
        Room room = ctx.get("room");
        JsonObject b;
        try {
            b = ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            b = null;
        }
        if (b == null) {
            Responses.problem(ctx, 400, null, "json", "the body must be a JSON object {\"displayName\",\"role\"}");
            return;
        }
        for (String k : b.fieldNames()) {
            if (!FIELDS.contains(k)) {
                Responses.problem(ctx, 400, ProgramJson.bounded(k), "unknown-field", "unknown field '" + ProgramJson.bounded(k)
                        + "'; the fields are displayName, role");
                return;
            }
        }
        Optional<String> name;
        try {
            name = b.getValue("displayName") instanceof String s ? names.apply(s) : Optional.empty();
        } catch (IllegalArgumentException e) {
            Responses.problem(ctx, 400, "displayName", "name", e.getMessage().replace("(?name=) ", ""));
            return;
        }
        if (name.isEmpty()) {
            Responses.problem(ctx, 400, "displayName", "name", "displayName is required: the name on their tile");
            return;
        }
        Object r = b.getValue("role", "speaker");
        Person.Role role;
        if ("speaker".equals(r)) {
            role = Person.Role.SPEAKER;
        } else if ("host".equals(r)) {
            role = Person.Role.HOST;
        } else {
            Responses.problem(ctx, 400, "role", "role", "role must be speaker or host");
            return;
        }
        boolean taken = people.inRoom(room.name()).stream()
                .anyMatch(p -> !p.revoked() && p.displayName().toLowerCase(Locale.ROOT).equals(name.get().toLowerCase(Locale.ROOT)));
        if (taken) {
            Responses.problem(ctx, 409, "displayName", "name-taken", "someone in room " + room.name() + " has that display name already");
            return;
        }
        Person p = new Person(newId(), room.name(), name.get(), role, keys.generate(), 1, false);
        vertx.executeBlocking(() -> {
            store.insert(p);
            return p;
        }, false).onComplete(done -> {
            if (done.failed()) {
                Responses.problem(ctx, 503, null, "store", "the credentials could not be stored; try again");
                return;
            }
            people.put(p);
            Responses.json(ctx, 201, json(ctx, p, true).encode());
        });
    }

    private void list(RoutingContext ctx) {
        Room room = ctx.get("room");
        JsonArray out = new JsonArray();
        for (Person p : people.inRoom(room.name())) {
            out.add(json(ctx, p, !p.revoked())); // links are signed, not stored: a fresh one each time
        }
        Responses.json(ctx, 200, out.encode());
    }

    /** Regenerates ({@code regenerate}) or revokes someone's credentials. */
    private void change(RoutingContext ctx, boolean regenerate) {
        Room room = ctx.get("room");
        Optional<Person> found = people.byId(ctx.pathParam("id")).filter(p -> p.room().equals(room.name()));
        if (found.isEmpty()) {
            Responses.error(ctx, 404, "no such person in room " + room.name());
            return;
        }
        Person old = found.get();
        if (regenerate && old.revoked()) {
            Responses.problem(ctx, 409, null, "revoked", old.displayName() + " was revoked; add them again");
            return;
        }
        Person p = regenerate ? new Person(old.id(), old.room(), old.displayName(), old.role(), keys.generate(), old.linkVersion() + 1, false)
                : new Person(old.id(), old.room(), old.displayName(), old.role(), old.streamKey(), old.linkVersion() + 1, true);
        vertx.executeBlocking(() -> store.update(p), false).onComplete(done -> {
            if (done.failed()) {
                Responses.problem(ctx, 503, null, "store", "the change could not be stored; try again");
                return;
            }
            people.put(p);
            if (regenerate) {
                Responses.json(ctx, 200, json(ctx, p, true).encode());
            } else {
                revoked.accept(p);
                ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-cache").end();
            }
        });
    }

    private JsonObject json(RoutingContext ctx, Person p, boolean withLink) {
        JsonObject o = new JsonObject().put("id", p.id()).put("displayName", p.displayName()).put("role", p.role().wire())
                .put("streamKey", p.streamKey()).put("revoked", p.revoked());
        if (withLink) {
            String token = links.issue(p, LINK_TTL);
            String origin = ctx.request().scheme() + "://" + ctx.request().authority();
            o.put("joinUrl", origin + "/join/" + p.room() + "?t=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
                    + "&name=" + URLEncoder.encode(p.displayName(), StandardCharsets.UTF_8).replace("+", "%20"));
            o.put("joinExpires", JoinLinks.expires(token).map(Object::toString).orElse(null));
            if (p.role() == Person.Role.HOST) { // a host's way into the host console
                o.put("hostUrl", origin + "/host/" + p.room() + "?t=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            }
        }
        return o;
    }

    private String newId() {
        byte[] b = new byte[12];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
