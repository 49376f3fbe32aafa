package dev.amphi.core.api;

import dev.amphi.core.room.Bans;
import dev.amphi.core.room.People;
import dev.amphi.core.room.Person;
import dev.amphi.core.room.ProgramControl;
import dev.amphi.core.room.ProgramState;
import dev.amphi.core.room.RoomRegistry;
import dev.amphi.core.room.SpeakerView;
import dev.amphi.core.store.BanStore;
import dev.amphi.core.store.PeopleStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A host's hand on the speakers of a composited room, each behind the room's key or a host's own
 * credentials ({@link RoomKeyAuth}; the admin token passes too):
 * <ul>
 *   <li>{@code PUT} / {@code DELETE /api/rooms/{room}/program/speakers/{speaker}/muted}: 204; the
 *       speaker leaves the program's mix (and the speakers' own mix) at the next audio chunk, or
 *       comes back; 404 when no such speaker is in the program now.</li>
 *   <li>{@code POST /api/rooms/{room}/program/speakers/{speaker}/kick}: 200 {@code {"speaker",
 *       "displayName","connections","revoked","until"}}: their connections are closed, their tile goes,
 *       their own credentials (if they have any) are revoked, and their name is refused in the room
 *       for {@value Bans#KICK_HOLD_SECONDS} s (so a reconnecting page or encoder does not bring them
 *       back).</li>
 *   <li>{@code POST /api/rooms/{room}/bans} {@code {"speaker":"ID or name"}}: 201, the ban: as a kick
 *       when they are live, and their name is refused in the room until the ban is lifted (stored before
 *       the answer); a name nobody uses now can be banned ahead.</li>
 *   <li>{@code GET /api/rooms/{room}/bans}: {@code {"bans":[...]}}, bans and running removals;
 *       {@code DELETE /api/rooms/{room}/bans/{speaker}}: 204 (revoked credentials stay revoked:
 *       regenerate them), 404 when there is none.</li>
 * </ul>
 * {@code speaker} is a speaker id of the program ({@code GET .../program}) or a display name. 409
 * for a room that passes its publisher through; 503 when the database failed (nothing changed).
 */
public final class LiveSpeakersApi {

    private final Vertx vertx;
    private final RoomRegistry registry;
    private final ProgramControl control;
    private final Bans bans;
    private final BanStore banStore;
    private final People people;
    private final PeopleStore peopleStore;
    private final Function<String, Optional<String>> names;
    private final Clock clock;

    /**
     * @param names a display name's rule (the server's speaker-name rule): the name as shown, empty for
     *              a blank one, or an {@link IllegalArgumentException} saying what is wrong
     */
    public LiveSpeakersApi(Vertx vertx, RoomRegistry registry, ProgramControl control, Bans bans, BanStore banStore,
                           People people, PeopleStore peopleStore, Function<String, Optional<String>> names, Clock clock) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.control = Objects.requireNonNull(control, "control");
        this.bans = Objects.requireNonNull(bans, "bans");
        this.banStore = Objects.requireNonNull(banStore, "banStore");
        this.people = Objects.requireNonNull(people, "people");
        this.peopleStore = Objects.requireNonNull(peopleStore, "peopleStore");
        this.names = Objects.requireNonNull(names, "names");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Adds the routes to {@code router}. */
    public void mount(Router router) {
        RoomKeyAuth auth = new RoomKeyAuth(registry, "a host's action on a speaker");
        router.route("/api/rooms/:name/program/speakers/:speaker/muted").method(HttpMethod.PUT).method(HttpMethod.DELETE)
                .handler(auth::handle).handler(this::mute);
        router.route(HttpMethod.POST, "/api/rooms/:name/program/speakers/:speaker/kick").handler(auth::handle)
                .handler(ctx -> remove(ctx, ctx.pathParam("speaker"), false));
        router.route(HttpMethod.GET, "/api/rooms/:name/bans").handler(auth::handle).handler(this::list);
        router.route(HttpMethod.POST, "/api/rooms/:name/bans").handler(auth::handle).handler(Responses::requireJson);
        router.route(HttpMethod.POST, "/api/rooms/:name/bans").handler(BodyHandler.create(false).setBodyLimit(4096))
                .handler(this::ban);
        router.route(HttpMethod.DELETE, "/api/rooms/:name/bans/:speaker").handler(auth::handle).handler(this::lift);
    }

    /** The program's speaker that {@code asked} names: an id exactly, an id ignoring case, a display name ignoring case. */
    private static Optional<SpeakerView> live(ProgramState state, String asked) {
        for (SpeakerView s : state.speakers()) {
            if (s.id().equals(asked)) {
                return Optional.of(s);
            }
        }
        for (SpeakerView s : state.speakers()) {
            if (s.id().equalsIgnoreCase(asked) || s.displayName().equalsIgnoreCase(asked)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The program's state, or empty after a 409 for a room that passes its publisher through. */
    private Optional<ProgramState> composited(RoutingContext ctx, String room) {
        ProgramState state = control.state(room);
        if (state.mode() == ProgramState.Mode.PASSTHROUGH) {
            Responses.error(ctx, 409, "room " + room + " passes its publisher through: it has no speakers to act on");
            return Optional.empty();
        }
        return Optional.of(state);
    }

    private void mute(RoutingContext ctx) {
        String room = ctx.pathParam("name");
        String asked = ctx.pathParam("speaker");
        Optional<ProgramState> state = composited(ctx, room);
        if (state.isEmpty()) {
            return;
        }
        Optional<SpeakerView> s = live(state.get(), asked);
        if (s.isEmpty()) {
            Responses.error(ctx, 404, "room " + room + " has no speaker '" + ProgramJson.bounded(asked) + "' now");
            return;
        }
        control.mute(room, s.get().id(), ctx.request().method() == HttpMethod.PUT);
        ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-cache").end();
    }

    private void ban(RoutingContext ctx) {
        String asked;
        try {
            JsonObject b = ctx.body().asJsonObject();
            Object v = b == null ? null : b.getValue("speaker");
            if (!(v instanceof String str) || str.isBlank()) {
                Responses.problem(ctx, 400, "speaker", "required", "speaker must name a speaker id or a display name");
                return;
            }
            for (String f : b.fieldNames()) {
                if (!f.equals("speaker")) {
                    Responses.problem(ctx, 400, f, "unknown-field", "a ban takes only 'speaker', not '" + ProgramJson.bounded(f) + "'");
                    return;
                }
            }
            asked = str;
        } catch (DecodeException | ClassCastException e) {
            Responses.problem(ctx, 400, null, "json", "the body must be a JSON object");
            return;
        }
        remove(ctx, asked, true);
    }

    /** A kick ({@code ban} false) or a ban of the speaker {@code asked} names. */
    private void remove(RoutingContext ctx, String asked, boolean ban) {
        String room = ctx.pathParam("name");
        Optional<ProgramState> state = composited(ctx, room);
        if (state.isEmpty()) {
            return;
        }
        Optional<SpeakerView> live = live(state.get(), asked);
        String display;
        if (live.isPresent()) {
            display = live.get().displayName();
        } else if (!ban) {
            Responses.error(ctx, 404, "room " + room + " has no speaker '" + ProgramJson.bounded(asked) + "' now");
            return;
        } else {
            try {
                Optional<String> n = names.apply(asked);
                if (n.isEmpty()) {
                    Responses.problem(ctx, 400, "speaker", "required", "speaker must name a speaker id or a display name");
                    return;
                }
                display = n.get();
            } catch (IllegalArgumentException e) {
                Responses.problem(ctx, 400, "speaker", "speaker-name", e.getMessage());
                return;
            }
        }
        String id = live.map(SpeakerView::id).orElse(display.toLowerCase(Locale.ROOT));
        Optional<Person> person = people.inRoom(room).stream()
                .filter(p -> !p.revoked() && p.displayName().toLowerCase(Locale.ROOT).equals(display.toLowerCase(Locale.ROOT)))
                .findFirst();
        Instant now = clock.instant();
        Bans.Ban b = new Bans.Ban(room, id, display, person.map(Person::id), now,
                ban ? Optional.empty() : Optional.of(now.plusSeconds(Bans.KICK_HOLD_SECONDS)));
        Optional<Person> revoked = person.map(p -> new Person(p.id(), p.room(), p.displayName(), p.role(), p.streamKey(),
                p.linkVersion(), true));
        vertx.executeBlocking(() -> {
            if (revoked.isPresent()) {
                peopleStore.update(revoked.get());
            }
            if (ban) {
                banStore.insert(b);
            }
            return null;
        }, false).onComplete(done -> {
            if (done.failed()) {
                Responses.error(ctx, 503, "the " + (ban ? "ban" : "removal") + " could not be stored; try again");
                return;
            }
            revoked.ifPresent(people::put);
            bans.put(b);
            int closed = live.isPresent() || ban
                    ? control.kick(room, id, "the host " + (ban ? "banned " : "removed ") + display) : 0;
            JsonObject o = json(b).put("connections", closed);
            Responses.json(ctx, ban ? 201 : 200, o.encode());
        });
    }

    private void list(RoutingContext ctx) {
        JsonArray a = new JsonArray();
        for (Bans.Ban b : bans.inRoom(ctx.pathParam("name"), clock.instant())) {
            a.add(json(b));
        }
        Responses.json(ctx, 200, new JsonObject().put("bans", a).encode());
    }

    private void lift(RoutingContext ctx) {
        String room = ctx.pathParam("name");
        String id = ctx.pathParam("speaker").toLowerCase(Locale.ROOT);
        Optional<Bans.Ban> current = bans.find(room, id, clock.instant());
        if (current.isEmpty()) {
            Responses.error(ctx, 404, "nobody called '" + ProgramJson.bounded(id) + "' is banned from room " + room);
            return;
        }
        vertx.executeBlocking(() -> banStore.delete(room, id), false).onComplete(done -> {
            if (done.failed()) {
                Responses.error(ctx, 503, "the ban could not be lifted in the database; try again");
                return;
            }
            bans.lift(room, id);
            ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-cache").end();
        });
    }

    static JsonObject json(Bans.Ban b) {
        return new JsonObject()
                .put("speaker", b.speakerId())
                .put("displayName", b.displayName())
                .put("kind", b.permanent() ? "ban" : "removal")
                .put("revoked", b.personId().orElse(null))
                .put("at", b.at().toString())
                .put("until", b.until().map(Instant::toString).orElse(null));
    }
}
