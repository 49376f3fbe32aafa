package dev.amphi.core.room;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The people with credentials of their own, in memory (the database has them too: this is the
 * index a publisher's key is looked up in on an event loop). Keys are found through their SHA-256
 * digest, then compared in constant time, as the rooms' are. Thread-safe; lookups never lock.
 */
public final class People {

    private final Map<String, Person> byId = new ConcurrentHashMap<>();
    private volatile Map<String, Person> byKeyDigest = Map.of();

    /** Adds someone, or replaces them (a new key, a revocation). */
    public synchronized void put(Person p) {
        Objects.requireNonNull(p, "p");
        Map<String, Person> keys = new HashMap<>(byKeyDigest);
        Person old = byId.put(p.id(), p);
        if (old != null) {
            keys.remove(RoomRegistry.digest(old.streamKey()));
        }
        keys.put(RoomRegistry.digest(p.streamKey()), p);
        byKeyDigest = Collections.unmodifiableMap(keys);
    }

    /** Forgets everyone of a room (the room was deleted). */
    public synchronized void removeRoom(String room) {
        Map<String, Person> keys = new HashMap<>(byKeyDigest);
        byId.values().removeIf(p -> {
            if (p.room().equals(room)) {
                keys.remove(RoomRegistry.digest(p.streamKey()));
                return true;
            }
            return false;
        });
        byKeyDigest = Collections.unmodifiableMap(keys);
    }

    /** Whoever holds {@code streamKey}, unless revoked. */
    public Optional<Person> byStreamKey(String streamKey) {
        if (streamKey == null || streamKey.isEmpty()) {
            return Optional.empty();
        }
        Person p = byKeyDigest.get(RoomRegistry.digest(streamKey));
        if (p == null || p.revoked() || !MessageDigest.isEqual(p.streamKey().getBytes(StandardCharsets.UTF_8),
                streamKey.getBytes(StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        return Optional.of(p);
    }

    public Optional<Person> byId(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(byId.get(id));
    }

    /** A room's people, revoked ones included, by display name. */
    public List<Person> inRoom(String room) {
        return byId.values().stream().filter(p -> p.room().equals(room))
                .sorted(Comparator.comparing(Person::displayName).thenComparing(Person::id)).toList();
    }
}
