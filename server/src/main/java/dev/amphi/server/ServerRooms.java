package dev.amphi.server;

import dev.amphi.core.room.People;
import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomAdmin;
import dev.amphi.core.room.RoomRecord;
import dev.amphi.core.room.RoomRegistry;
import dev.amphi.core.room.StreamKeyStore;
import dev.amphi.core.store.PeopleStore;
import dev.amphi.core.store.RoomStore;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms API's port: rooms made through the API are stored ({@link RoomStore}) and then added
 * to the registry, whose listener in {@link AmphiServer} gives each a composited program; changes
 * are stored, then applied. Rooms from flags are listed but not changed here. The stored rooms are
 * kept in memory too, so the API's GETs never touch the database on an event loop.
 *
 * <p>{@link #create}, {@link #update} and {@link #delete} are serialized (one change at a time) and
 * block on the database: the API calls them from a worker.
 */
final class ServerRooms implements RoomAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(ServerRooms.class);
    /** Settings that have fields of their own, or that an API room cannot change. */
    private static final Set<String> NOT_SETTINGS = Set.of("mode", "demo", "max-speakers", "layout");

    private final RoomRegistry registry;
    private final RoomStore store;
    private final ProgramConfig program;
    private final Map<String, RoomSettings> settings;
    private final Map<String, ProgramRoom> programs;
    private final List<Room> configured;
    private final Map<String, RoomRecord> stored = new ConcurrentHashMap<>();
    private final StreamKeyStore keys;
    private final People people;
    private final PeopleStore peopleStore;
    private volatile Disconnect disconnect = (room, reason) -> { };
    private volatile Forget forget = room -> { };
    private volatile Privacy privacy = r -> { };

    /** Hears each stored room as it opens and after each change (private rooms get their viewer links' secret); blocking. */
    @FunctionalInterface
    interface Privacy {
        void apply(RoomRecord r) throws SQLException;
    }

    void privacy(Privacy p) {
        privacy = java.util.Objects.requireNonNull(p, "p");
    }

    /** Forgets more of a deleted room (its bans); blocking, called before the deletion is answered. */
    @FunctionalInterface
    interface Forget {
        void forget(String room) throws Exception;
    }

    void forget(Forget f) {
        forget = java.util.Objects.requireNonNull(f, "f");
    }

    /** Closes every connection of a room's publishers and listeners (RTMP and WebRTC). */
    @FunctionalInterface
    interface Disconnect {
        void all(String room, String reason);
    }

    /** Set once the server's RTMP and WebRTC sides exist. */
    void disconnect(Disconnect d) {
        this.disconnect = d;
    }

    /**
     * @param configured the rooms from flags (the lobby first)
     * @param settings   every room's settings, shared with the server (this adds and removes the API's)
     * @param programs   the composited rooms' programs, shared with the server
     */
    ServerRooms(RoomRegistry registry, RoomStore store, ProgramConfig program, Map<String, RoomSettings> settings,
                Map<String, ProgramRoom> programs, List<Room> configured, StreamKeyStore keys, People people, PeopleStore peopleStore) {
        this.people = people;
        this.peopleStore = peopleStore;
        this.registry = registry;
        this.store = store;
        this.program = program;
        this.settings = settings;
        this.programs = programs;
        this.configured = List.copyOf(configured);
        this.keys = keys;
    }

    /** At start-up: the stored rooms join the registry (one whose name a flag took, or whose settings no longer fit, is skipped with a log line). */
    void loadStored() throws SQLException {
        for (RoomRecord r : store.all()) {
            if (registry.byName(r.name()).isPresent()) {
                LOG.warn("room {} from the database is not opened: a --room flag names a room {} too (the flag wins)", r.name(), r.name());
                continue;
            }
            RoomSettings s;
            try {
                s = resolve(r);
            } catch (Refused e) {
                LOG.error("room {} from the database is not opened: {}", r.name(), e.getMessage());
                continue;
            }
            try {
                open(r, s);
            } catch (IllegalArgumentException e) {
                LOG.error("room {} from the database is not opened: {}", r.name(), e.getMessage());
            }
        }
    }

    @Override
    public List<RoomRecord> rooms() {
        List<RoomRecord> out = new ArrayList<>();
        for (Room r : configured) {
            out.add(flagRecord(r));
        }
        stored.values().stream().sorted(java.util.Comparator.comparing(RoomRecord::name)).forEach(out::add);
        return out;
    }

    @Override
    public Optional<RoomRecord> room(String name) {
        RoomRecord r = stored.get(name);
        if (r != null) {
            return Optional.of(r);
        }
        return configured.stream().filter(c -> c.name().equals(name)).findFirst().map(this::flagRecord);
    }

    @Override
    public synchronized RoomRecord create(RoomRecord spec) throws Exception {
        if (registry.byName(spec.name()).isPresent()) {
            throw new Refused(409, "name", "name-taken", "a room named " + spec.name() + " exists");
        }
        RoomSettings s = resolve(spec);
        RoomRecord r = normalized(spec, s, spec.streamKey().isEmpty() ? keys.generate() : spec.streamKey());
        if (!store.insert(r)) {
            throw new Refused(409, "name", "name-taken", "a room named " + spec.name() + " exists");
        }
        open(r, s);
        LOG.info("room {} made through the API: {}", r.name(), s.summary());
        return r;
    }

    @Override
    public synchronized RoomRecord update(RoomRecord changed) throws Exception {
        RoomRecord old = stored.get(changed.name());
        if (old == null) {
            if (registry.byName(changed.name()).isPresent()) {
                throw new Refused(409, null, "configured-by-flags", "room " + changed.name()
                        + " is configured by --room flags: change the flags (or the config file) and restart");
            }
            throw new Refused(404, null, "no-room", "no room named '" + changed.name() + "'");
        }
        RoomSettings s = resolve(changed);
        RoomRecord r = normalized(changed, s, old.streamKey());
        if (!store.update(r)) {
            throw new Refused(404, null, "no-room", "no room named '" + changed.name() + "'");
        }
        stored.put(r.name(), r);
        settings.put(r.name(), s);
        privacy.apply(r);
        if (!r.title().equals(old.title())) {
            registry.replace(r.room());
        }
        registry.setEnded(r.name(), r.status() == RoomRecord.Status.ENDED);
        ProgramRoom p = programs.get(r.name());
        if (p != null) {
            p.settings(s);
            if (!r.layout().equals(old.layout())) {
                p.layout(ProgramRoomEvents.choiceOf(s.layout()));
            }
            if (r.status() == RoomRecord.Status.ENDED && old.status() != RoomRecord.Status.ENDED) {
                disconnect.all(r.name(), "the event in room " + r.name() + " has ended");
                p.stopNow();
            }
        }
        LOG.info("room {} changed through the API", r.name());
        return r;
    }

    @Override
    public synchronized boolean delete(String name) throws Exception {
        if (!stored.containsKey(name)) {
            if (registry.byName(name).isPresent()) {
                throw new Refused(409, null, "configured-by-flags", "room " + name
                        + " is configured by --room flags: remove the flag (or the config file's entry) and restart");
            }
            return false;
        }
        store.delete(name);
        peopleStore.deleteRoom(name);
        people.removeRoom(name);
        forget.forget(name);
        stored.remove(name);
        disconnect.all(name, "room " + name + " was deleted");
        registry.remove(name); // its listener stops the room's program
        settings.remove(name);
        LOG.info("room {} deleted through the API", name);
        return true;
    }

    private void open(RoomRecord r, RoomSettings s) throws SQLException {
        privacy.apply(r); // a private room is closed to viewers before anyone can reach it
        settings.put(r.name(), s);
        stored.put(r.name(), r);
        try {
            registry.add(r.room());
        } catch (IllegalArgumentException e) {
            settings.remove(r.name());
            stored.remove(r.name());
            throw e;
        }
        registry.setEnded(r.name(), r.status() == RoomRecord.Status.ENDED);
    }

    /** The program settings of an API room: the globals, its own settings, its speaker limit and layout. */
    private RoomSettings resolve(RoomRecord r) throws Refused {
        Map<String, String> own = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : r.settings().entrySet()) {
            if (NOT_SETTINGS.contains(e.getKey())) {
                throw new Refused(400, "settings." + e.getKey(), "not-a-setting", "settings." + e.getKey() + " cannot be set here"
                        + (e.getKey().equals("max-speakers") ? ": use speakerLimit" : e.getKey().equals("layout") ? ": use layout"
                        : ": rooms made through the API are composited and have no demo speakers"));
            }
            own.put(e.getKey(), e.getValue());
        }
        own.put("mode", "composite");
        if (r.speakerLimit() > 0) {
            own.put("max-speakers", Integer.toString(r.speakerLimit()));
        }
        if (!r.layout().isEmpty()) {
            own.put("layout", r.layout());
        }
        try {
            return program.forNewRoom(r.name(), own);
        } catch (IllegalArgumentException e) {
            List<String> named = new ArrayList<>(); // the fields the message names; several (a cross check): "settings"
            for (String k : own.keySet()) {
                if (e.getMessage() != null && e.getMessage().contains("settings." + k + "=")) {
                    named.add(k.equals("max-speakers") ? "speakerLimit" : k.equals("layout") ? "layout" : "settings." + k);
                }
            }
            throw new Refused(400, named.size() == 1 ? named.get(0) : "settings", "setting", e.getMessage());
        }
    }

    /** {@code r} with the speaker limit and layout the program will use, and its key. */
    private static RoomRecord normalized(RoomRecord r, RoomSettings s, String key) {
        return new RoomRecord(r.name(), r.title(), r.description(), r.scheduledStart(), s.maxSpeakers(), s.layout().spec(),
                r.visibility(), r.status(), key, r.settings(), RoomRecord.Source.API);
    }

    private RoomRecord flagRecord(Room r) {
        RoomSettings s = settings.get(r.name());
        return new RoomRecord(r.name(), r.title(), "", Optional.empty(), s == null ? 0 : s.maxSpeakers(),
                s == null ? "" : s.layout().spec(), RoomRecord.Visibility.PUBLIC,
                registry.isEnded(r.name()) ? RoomRecord.Status.ENDED : RoomRecord.Status.SCHEDULED, r.streamKey(), Map.of(),
                RoomRecord.Source.FLAGS);
    }

    /** Shows the class's name only: it holds keys. */
    @Override
    public String toString() {
        return "ServerRooms[" + stored.size() + " stored]";
    }
}
