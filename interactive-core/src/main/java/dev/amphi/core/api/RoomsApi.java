package dev.amphi.core.api;

import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomAdmin;
import dev.amphi.core.room.RoomRecord;
import dev.amphi.core.room.RoomRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rooms API.
 * <ul>
 *   <li>{@code GET /api/rooms}: the public rooms, {@code [{"name","title","live","description",
 *       "scheduledStart","status"}, ...]}; with the admin token every room, with every field and its key;</li>
 *   <li>{@code GET /api/rooms/{name}}: one such object (a private room: 404 without the admin token); with
 *       the admin token or a host's own credentials for the room, every field;</li>
 *   <li>with the admin token ({@link AdminAuth}): {@code POST /api/rooms} makes a room (201,
 *       {@code Location}), {@code PATCH /api/rooms/{name}} changes some of its fields (200; a host of the room may too),
 *       {@code DELETE /api/rooms/{name}} removes it (204). Rooms configured by flags show up
 *       ({@code "source":"flags"}) and are changed by changing the flags (409 here).</li>
 * </ul>
 * A refused change answers 400 {@code {"error","field","rule"}} naming the field and the rule,
 * 401/403 for credentials, 404, 409 (a name in use, a room configured by flags), 413, 415. Without a
 * {@link RoomAdmin} (a server without storage, tests) only the two GETs exist, over the registry.
 * Responses are never cached for long ({@code Cache-Control: no-cache}); CORS is the embedding server's.
 */
public final class RoomsApi {

    /** The largest request body. */
    static final int MAX_BODY_BYTES = 16 * 1024;
    private static final Set<String> CREATE_FIELDS = Set.of("name", "title", "description", "scheduledStart", "speakerLimit", "layout",
            "visibility", "settings");
    private static final Set<String> PATCH_FIELDS = Set.of("title", "description", "scheduledStart", "speakerLimit", "layout",
            "visibility", "status", "settings");
    private static final Pattern LAYOUT = Pattern.compile("gallery(:[1-9][0-9]{0,3})?|speaker|presentation:[a-z0-9][a-z0-9 ._-]{0,63}");
    private static final Pattern SETTING_KEY = Pattern.compile("[a-z][a-z-]{0,31}");

    private final RoomRegistry registry;
    private final RoomAdmin admin;
    private final AdminAuth auth;
    private final Vertx vertx;

    private RoomsApi(RoomRegistry registry, RoomAdmin admin, AdminAuth auth, Vertx vertx) {
        this.registry = registry;
        this.admin = admin;
        this.auth = auth;
        this.vertx = vertx;
    }

    /** The two GETs over the registry alone. */
    public static RoomsApi of(RoomRegistry registry) {
        return new RoomsApi(Objects.requireNonNull(registry, "registry"), null, null, null);
    }

    /** The whole API: rooms made, changed and removed through {@code admin} by the holder of the admin token. */
    public static RoomsApi of(RoomRegistry registry, RoomAdmin admin, AdminAuth auth, Vertx vertx) {
        return new RoomsApi(Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(admin, "admin"),
                Objects.requireNonNull(auth, "auth"), Objects.requireNonNull(vertx, "vertx"));
    }

    /** Adds the routes to {@code router}. */
    public void mount(Router router) {
        router.route(HttpMethod.GET, "/api/rooms").handler(this::list);
        router.route(HttpMethod.GET, "/api/rooms/:name").handler(this::one);
        if (admin != null) {
            BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
            // credentials and the content type are checked before the body is read (a second route of the same path)
            router.route(HttpMethod.POST, "/api/rooms").handler(auth::handle).handler(Responses::requireJson);
            router.route(HttpMethod.POST, "/api/rooms").handler(body).handler(this::create);
            router.route(HttpMethod.PATCH, "/api/rooms/:name").handler(auth.orHostOf(registry)).handler(Responses::requireJson);
            router.route(HttpMethod.PATCH, "/api/rooms/:name").handler(body).handler(this::patch);
            router.route(HttpMethod.DELETE, "/api/rooms/:name").handler(auth::handle).handler(this::delete);
        }
    }

    private boolean isAdmin(RoutingContext ctx) {
        return auth != null && auth.holds(ctx.request().getHeader("Authorization"));
    }

    private volatile java.util.function.ToIntFunction<String> viewers;
    private volatile dev.amphi.core.room.ViewerLinks viewerLinks;

    /** A private room answers {@code GET /api/rooms/{name}} (its public fields) to a request with a valid viewer link. */
    public RoomsApi viewerLinks(dev.amphi.core.room.ViewerLinks links) {
        viewerLinks = Objects.requireNonNull(links, "links");
        return this;
    }

    /** Adds {@code viewers}, the room's estimated audience, to {@code GET /api/rooms/{name}}. */
    public RoomsApi viewers(java.util.function.ToIntFunction<String> estimate) {
        viewers = Objects.requireNonNull(estimate, "estimate");
        return this;
    }

    private String withViewers(String name, JsonObject room) {
        java.util.function.ToIntFunction<String> v = viewers;
        return (v == null ? room : room.put("viewers", v.applyAsInt(name))).encode();
    }

    /** Whether the request carries the own key or join token of a host of {@code room}. */
    private boolean isHost(RoutingContext ctx, String room) {
        return registry.isHost(room, Responses.bearer(ctx.request().getHeader("Authorization")));
    }

    private void list(RoutingContext ctx) {
        JsonArray rooms = new JsonArray();
        if (admin == null) {
            for (Room room : registry.rooms()) {
                rooms.add(basic(room.name(), room.title()));
            }
        } else {
            boolean full = isAdmin(ctx);
            for (RoomRecord r : admin.rooms()) {
                if (full || r.visibility() == RoomRecord.Visibility.PUBLIC) {
                    rooms.add(full ? full(r) : visible(r));
                }
            }
        }
        Responses.json(ctx, 200, rooms.encode());
    }

    private void one(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        if (admin == null) {
            registry.byName(name).ifPresentOrElse(room -> Responses.json(ctx, 200, withViewers(name, basic(room.name(), room.title()))),
                    () -> notFound(ctx, name));
            return;
        }
        Optional<RoomRecord> r = admin.room(name);
        boolean full = isAdmin(ctx) || isHost(ctx, name);
        dev.amphi.core.room.ViewerLinks links = viewerLinks;
        boolean invited = links != null && links.isPrivate(name) && ViewerLinksApi.refusal(links, name, ctx.request()).isEmpty();
        if (r.isEmpty() || (!full && !invited && r.get().visibility() == RoomRecord.Visibility.PRIVATE)) {
            notFound(ctx, name);
            return;
        }
        Responses.json(ctx, 200, withViewers(name, full ? full(r.get()) : visible(r.get())));
    }

    private void create(RoutingContext ctx) {
        RoomRecord spec;
        try {
            JsonObject b = body(ctx, CREATE_FIELDS);
            String name = string(b, "name", 64, true).orElse("");
            if (!Room.isValidName(name)) {
                throw new Bad("name", "room-name", "name must be 1 to 64 lower-case letters, digits or '-' (it is the room's URL)");
            }
            spec = new RoomRecord(name, string(b, "title", 200, true).orElse(name), string(b, "description", 2000, false).orElse(""),
                    instant(b), integer(b, "speakerLimit", 1, 300).orElse(-1), layout(b).orElse(""),
                    visibility(b).orElse(RoomRecord.Visibility.PUBLIC), RoomRecord.Status.SCHEDULED, "", settings(b).orElse(Map.of()),
                    RoomRecord.Source.API);
        } catch (Bad e) {
            Responses.problem(ctx, 400, e.field, e.rule, e.getMessage());
            return;
        }
        vertx.<RoomRecord>executeBlocking(() -> admin.create(spec), false).onComplete(r -> {
            if (r.succeeded()) {
                ctx.response().putHeader("Location", "/api/rooms/" + r.result().name());
                Responses.json(ctx, 201, full(r.result()).encode());
            } else {
                refused(ctx, r.cause());
            }
        });
    }

    private void patch(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        Optional<RoomRecord> current = admin.room(name);
        if (current.isEmpty()) {
            notFound(ctx, name);
            return;
        }
        RoomRecord c = current.get();
        RoomRecord changed;
        try {
            JsonObject b = body(ctx, PATCH_FIELDS);
            RoomRecord.Status status = c.status();
            if (b.containsKey("status")) {
                String s = string(b, "status", 16, true).orElse("");
                if (!s.equals("scheduled") && !s.equals("ended")) {
                    throw new Bad("status", "status", "status may be set to 'scheduled' or 'ended' (live is the room's state)");
                }
                status = RoomRecord.Status.valueOf(s.toUpperCase(Locale.ROOT));
            }
            changed = new RoomRecord(c.name(), string(b, "title", 200, true).orElse(c.title()),
                    string(b, "description", 2000, false).orElse(c.description()),
                    b.containsKey("scheduledStart") ? instant(b) : c.scheduledStart(),
                    integer(b, "speakerLimit", 1, 300).orElse(c.speakerLimit()), layout(b).orElse(c.layout()),
                    visibility(b).orElse(c.visibility()), status, c.streamKey(), settings(b).orElse(c.settings()), c.source());
        } catch (Bad e) {
            Responses.problem(ctx, 400, e.field, e.rule, e.getMessage());
            return;
        }
        vertx.<RoomRecord>executeBlocking(() -> admin.update(changed), false).onComplete(r -> {
            if (r.succeeded()) {
                Responses.json(ctx, 200, full(r.result()).encode());
            } else {
                refused(ctx, r.cause());
            }
        });
    }

    private void delete(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        vertx.<Boolean>executeBlocking(() -> admin.delete(name), false).onComplete(r -> {
            if (r.failed()) {
                refused(ctx, r.cause());
            } else if (!r.result()) {
                notFound(ctx, name);
            } else {
                ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-cache").end();
            }
        });
    }

    private static void refused(RoutingContext ctx, Throwable failure) {
        if (failure instanceof RoomAdmin.Refused r) {
            Responses.problem(ctx, r.status(), r.field(), r.rule(), r.getMessage());
        } else {
            Responses.problem(ctx, 503, null, "store", "the change could not be stored; try again");
        }
    }

    private static void notFound(RoutingContext ctx, String name) {
        Responses.error(ctx, 404, "no room named '" + ProgramJson.bounded(name) + "'");
    }

    // ---- JSON out

    private JsonObject basic(String name, String title) {
        return new JsonObject().put("name", name).put("title", title).put("live", registry.isLive(name));
    }

    /** What anyone sees of a room. */
    private JsonObject visible(RoomRecord r) {
        return basic(r.name(), r.title())
                .put("description", r.description())
                .put("scheduledStart", r.scheduledStart().map(Instant::toString).orElse(null))
                .put("status", status(r).wire());
    }

    /** What the administrator sees: everything, the key included. */
    private JsonObject full(RoomRecord r) {
        return visible(r)
                .put("speakerLimit", r.speakerLimit())
                .put("layout", r.layout())
                .put("visibility", r.visibility().wire())
                .put("source", r.source().wire())
                .put("streamKey", r.streamKey())
                .put("settings", new JsonObject(new LinkedHashMap<>(r.settings())));
    }

    private RoomRecord.Status status(RoomRecord r) {
        if (r.status() == RoomRecord.Status.ENDED) {
            return r.status(); // the host ended it, whatever still winds down
        }
        return registry.isLive(r.name()) ? RoomRecord.Status.LIVE : r.status();
    }

    // ---- JSON in: each rule names its field

    /** A refused field. */
    private static final class Bad extends Exception {
        final String field;
        final String rule;

        Bad(String field, String rule, String message) {
            super(message, null, false, false);
            this.field = field;
            this.rule = rule;
        }
    }

    private static JsonObject body(RoutingContext ctx, Set<String> fields) throws Bad {
        JsonObject b;
        try {
            b = ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw new Bad(null, "json", "the body must be a JSON object");
        }
        if (b == null) {
            throw new Bad(null, "json", "the body must be a JSON object");
        }
        for (String k : b.fieldNames()) {
            if (!fields.contains(k)) {
                throw new Bad(ProgramJson.bounded(k), "unknown-field", "unknown field '" + ProgramJson.bounded(k) + "'; the fields are "
                        + String.join(", ", fields.stream().sorted().toList()));
            }
        }
        return b;
    }

    private static Optional<String> string(JsonObject b, String field, int max, boolean nonBlank) throws Bad {
        if (!b.containsKey(field)) {
            return Optional.empty();
        }
        Object v = b.getValue(field);
        if (!(v instanceof String s)) {
            throw new Bad(field, "string", field + " must be a string");
        }
        if (s.codePointCount(0, s.length()) > max || (nonBlank && s.isBlank()) || s.chars().anyMatch(ch -> ch < 0x20 && ch != '\n')) {
            throw new Bad(field, "length", field + " must be " + (nonBlank ? "1" : "0") + " to " + max
                    + " characters without control characters");
        }
        return Optional.of(s.strip());
    }

    private static Optional<Integer> integer(JsonObject b, String field, int min, int max) throws Bad {
        if (!b.containsKey(field)) {
            return Optional.empty();
        }
        Object v = b.getValue(field);
        if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min || ((Number) v).longValue() > max) {
            throw new Bad(field, "range", field + " must be an integer from " + min + " to " + max);
        }
        return Optional.of(((Number) v).intValue());
    }

    private static Optional<Instant> instant(JsonObject b) throws Bad {
        Object v = b.getValue("scheduledStart");
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse((String) v));
        } catch (ClassCastException | DateTimeParseException e) {
            throw new Bad("scheduledStart", "instant", "scheduledStart must be null or an ISO-8601 UTC time, e.g. 2026-12-08T14:00:00Z");
        }
    }

    private static Optional<String> layout(JsonObject b) throws Bad {
        Optional<String> l = string(b, "layout", 80, true);
        if (l.isPresent() && !LAYOUT.matcher(l.get()).matches()) {
            throw new Bad("layout", "layout", "layout must be gallery, gallery:N, speaker or presentation:SPEAKER");
        }
        return l;
    }

    private static Optional<RoomRecord.Visibility> visibility(JsonObject b) throws Bad {
        Optional<String> v = string(b, "visibility", 16, true);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        for (RoomRecord.Visibility x : RoomRecord.Visibility.values()) {
            if (x.wire().equals(v.get())) {
                return Optional.of(x);
            }
        }
        throw new Bad("visibility", "visibility", "visibility must be public, unlisted or private");
    }

    /** The room's own settings: an object of --room-setting keys to string, number or boolean (on/off) values. */
    private static Optional<Map<String, String>> settings(JsonObject b) throws Bad {
        if (!b.containsKey("settings")) {
            return Optional.empty();
        }
        if (!(b.getValue("settings") instanceof JsonObject o)) {
            throw new Bad("settings", "object", "settings must be an object of setting names to values, e.g. {\"comments-hold\":\"on\"}");
        }
        if (o.size() > 32) {
            throw new Bad("settings", "size", "settings takes at most 32 entries");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : o.fieldNames()) {
            Object v = o.getValue(k);
            if (!SETTING_KEY.matcher(k).matches() || !(v instanceof String || v instanceof Number || v instanceof Boolean)
                    || String.valueOf(v).length() > 500) {
                throw new Bad("settings." + ProgramJson.bounded(k), "setting", "settings." + ProgramJson.bounded(k)
                        + " must be a setting name with a string, number or boolean value (at most 500 characters)");
            }
            out.put(k, v instanceof Boolean on ? (on ? "on" : "off") : String.valueOf(v));
        }
        return Optional.of(out);
    }
}
