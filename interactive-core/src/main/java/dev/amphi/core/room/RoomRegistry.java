package dev.amphi.core.room;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The rooms and which of them are live. Rooms from the configuration are there from construction;
 * rooms made through the API are {@link #add added}, {@link #replace changed} and {@link #remove
 * removed} at run time (copy on write: lookups never lock), and live state changes at run time.
 *
 * <p>Stream keys are looked up through their SHA-256 digest and then compared in constant time,
 * so the time a lookup takes says nothing about how much of a guessed key was right.
 *
 * <p>Thread-safe; every method is non-blocking and cheap enough for an event loop.
 */
public final class RoomRegistry {

    /** Name of the default room. */
    public static final String LOBBY = "lobby";

    /** Notified when a room goes live or stops being live (on the thread that changed it). */
    @FunctionalInterface
    public interface LiveListener {
        void liveChanged(Room room, boolean live);
    }

    /** Notified when a room is added or removed at run time (on the thread that did it). */
    public interface RoomsListener {
        void added(Room room);

        void removed(Room room);
    }

    private volatile Map<String, Room> byName;
    private volatile Map<String, Room> byKeyDigest;
    private final Set<String> live = ConcurrentHashMap.newKeySet();
    private final Set<String> ended = ConcurrentHashMap.newKeySet();
    private final List<LiveListener> listeners = new CopyOnWriteArrayList<>();
    private final List<RoomsListener> roomsListeners = new CopyOnWriteArrayList<>();

    private RoomRegistry(Map<String, Room> byName, Map<String, Room> byKeyDigest) {
        this.byName = byName;
        this.byKeyDigest = byKeyDigest;
    }

    /**
     * Adds a room at run time.
     *
     * @throws IllegalArgumentException when a room of that name or with that key exists
     */
    public void add(Room room) {
        Objects.requireNonNull(room, "room");
        synchronized (this) {
            if (byName.containsKey(room.name())) {
                throw new IllegalArgumentException("a room named " + room.name() + " exists");
            }
            String digest = digest(room.streamKey());
            if (byKeyDigest.containsKey(digest)) {
                throw new IllegalArgumentException("room " + byKeyDigest.get(digest).name() + " has that stream key");
            }
            Map<String, Room> names = new LinkedHashMap<>(byName);
            names.put(room.name(), room);
            Map<String, Room> keys = new HashMap<>(byKeyDigest);
            keys.put(digest, room);
            byName = Collections.unmodifiableMap(names);
            byKeyDigest = keys;
        }
        roomsListeners.forEach(l -> l.added(room));
    }

    /**
     * Replaces a room by one of the same name (a new title or key); the old key stops working at once.
     *
     * @throws IllegalArgumentException for an unknown room, or a key another room has
     */
    public synchronized void replace(Room room) {
        Objects.requireNonNull(room, "room");
        Room old = byName.get(room.name());
        if (old == null) {
            throw new IllegalArgumentException("no room named '" + room.name() + "'");
        }
        String digest = digest(room.streamKey());
        Room holder = byKeyDigest.get(digest);
        if (holder != null && !holder.name().equals(room.name())) {
            throw new IllegalArgumentException("room " + holder.name() + " has that stream key");
        }
        Map<String, Room> names = new LinkedHashMap<>(byName);
        names.put(room.name(), room);
        Map<String, Room> keys = new HashMap<>(byKeyDigest);
        keys.remove(digest(old.streamKey()));
        keys.put(digest, room);
        byName = Collections.unmodifiableMap(names);
        byKeyDigest = keys;
    }

    /** Removes a room (no longer live, its key refused); false when there was none of that name. */
    public boolean remove(String name) {
        Room room;
        synchronized (this) {
            room = byName.get(name);
            if (room == null) {
                return false;
            }
            Map<String, Room> names = new LinkedHashMap<>(byName);
            names.remove(name);
            Map<String, Room> keys = new HashMap<>(byKeyDigest);
            keys.remove(digest(room.streamKey()));
            byName = Collections.unmodifiableMap(names);
            byKeyDigest = keys;
        }
        if (live.remove(name)) {
            for (LiveListener l : listeners) {
                l.liveChanged(room, false);
            }
        }
        ended.remove(name);
        roomsListeners.forEach(l -> l.removed(room));
        return true;
    }

    /** Marks a room's event ended (its publishers are refused) or open again. */
    public void setEnded(String name, boolean isEnded) {
        if (isEnded) {
            ended.add(name);
        } else {
            ended.remove(name);
        }
    }

    /** Whether a room's event was ended by its host: publishers are refused until it is opened again. */
    public boolean isEnded(String name) {
        return ended.contains(name);
    }

    /** Whether a credential (someone's own key or join token) is a host's of a room: set by the server. */
    @FunctionalInterface
    public interface HostCheck {
        boolean isHost(String room, String credential);
    }

    private volatile HostCheck hosts = (room, credential) -> false;

    /** Lets hosts' own credentials stand for the room's key ({@link #isHost}). */
    public void hostCheck(HostCheck check) {
        hosts = Objects.requireNonNull(check, "check");
    }

    /** Whether {@code credential} is the own key or join token of a host of {@code room} (not revoked). */
    public boolean isHost(String room, String credential) {
        return credential != null && !credential.isEmpty() && hosts.isHost(room, credential);
    }

    public void addRoomsListener(RoomsListener listener) {
        roomsListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * A registry of {@code rooms}, in the given order.
     *
     * @throws IllegalArgumentException when two rooms share a name or a stream key
     */
    public static RoomRegistry of(Collection<Room> rooms) {
        Objects.requireNonNull(rooms, "rooms");
        Map<String, Room> byName = new LinkedHashMap<>();
        Map<String, Room> byKey = new HashMap<>();
        for (Room room : rooms) {
            Objects.requireNonNull(room, "room");
            if (byName.putIfAbsent(room.name(), room) != null) {
                throw new IllegalArgumentException("room " + room.name() + " is configured twice");
            }
            Room other = byKey.putIfAbsent(digest(room.streamKey()), room);
            if (other != null) {
                throw new IllegalArgumentException("rooms " + other.name() + " and " + room.name()
                        + " have the same stream key");
            }
        }
        return new RoomRegistry(Collections.unmodifiableMap(byName), Collections.unmodifiableMap(byKey));
    }

    /** The room a publisher with {@code streamKey} may publish to. */
    public Optional<Room> byStreamKey(String streamKey) {
        if (streamKey == null || streamKey.isEmpty()) {
            return Optional.empty();
        }
        Room candidate = byKeyDigest.get(digest(streamKey));
        if (candidate == null) {
            return Optional.empty();
        }
        boolean same = MessageDigest.isEqual(candidate.streamKey().getBytes(StandardCharsets.UTF_8),
                streamKey.getBytes(StandardCharsets.UTF_8));
        return same ? Optional.of(candidate) : Optional.empty();
    }

    public Optional<Room> byName(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(byName.get(name));
    }

    /** Every room, in configuration order. */
    public List<Room> rooms() {
        return List.copyOf(byName.values());
    }

    public boolean isLive(String name) {
        return live.contains(name);
    }

    /** Names of the rooms that are live now, in configuration order. */
    public List<String> liveRooms() {
        List<String> names = new ArrayList<>();
        for (String name : byName.keySet()) {
            if (live.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * Marks a room live or not; listeners hear about actual changes only.
     *
     * @throws IllegalArgumentException for an unknown room made live (one not live, e.g. removed, is ignored)
     */
    public void setLive(String name, boolean isLive) {
        Room room = byName.get(name);
        if (room == null) {
            if (!isLive) {
                return; // a removed room's program stopping after it: nothing to tell
            }
            throw new IllegalArgumentException("no room named '" + name + "'");
        }
        boolean changed = isLive ? live.add(name) : live.remove(name);
        if (changed) {
            for (LiveListener l : listeners) {
                l.liveChanged(room, isLive);
            }
        }
    }

    public void addLiveListener(LiveListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    static String digest(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
