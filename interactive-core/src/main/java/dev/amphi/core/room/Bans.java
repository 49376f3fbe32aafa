package dev.amphi.core.room;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The speakers a room refuses: those its host banned (until lifted; kept in the database too) and
 * those the host removed a moment ago (for {@link #KICK_HOLD_SECONDS}, in memory: long enough that a
 * page's or an encoder's automatic reconnection does not bring them straight back). A speaker is
 * named by their speaker id, their display name in lower case. Thread-safe; lookups never lock.
 */
public final class Bans {

    /** How long a removed (kicked, not banned) speaker's name is refused. */
    public static final long KICK_HOLD_SECONDS = 600;

    /**
     * One refusal.
     *
     * @param room        the room's name
     * @param speakerId   the refused speaker id
     * @param displayName the name they had when the host acted
     * @param personId    the person whose credentials were revoked with it, if they had their own
     * @param at          when
     * @param until       when a removal ends; empty for a ban (until lifted)
     */
    public record Ban(String room, String speakerId, String displayName, Optional<String> personId, Instant at,
                      Optional<Instant> until) {
        public Ban {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(speakerId, "speakerId");
            Objects.requireNonNull(displayName, "displayName");
            Objects.requireNonNull(personId, "personId");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(until, "until");
        }

        /** Whether it is a ban (kept until lifted), not a removal that runs out. */
        public boolean permanent() {
            return until.isEmpty();
        }

        boolean activeAt(Instant now) {
            return until.isEmpty() || now.isBefore(until.get());
        }
    }

    private final Map<String, Map<String, Ban>> byRoom = new ConcurrentHashMap<>();

    /** Adds a refusal; a ban replaces a removal of the same speaker, a removal never shortens a ban. */
    public void put(Ban ban) {
        Map<String, Ban> room = byRoom.computeIfAbsent(ban.room(), r -> new ConcurrentHashMap<>());
        room.merge(ban.speakerId(), ban, (old, now) -> old.permanent() && !now.permanent() ? old : now);
    }

    /** The refusal of {@code speakerId} in {@code room} now, if any. */
    public Optional<Ban> find(String room, String speakerId, Instant now) {
        Map<String, Ban> r = byRoom.get(room);
        if (r == null || speakerId == null) {
            return Optional.empty();
        }
        Ban b = r.get(speakerId);
        if (b != null && !b.activeAt(now)) {
            r.remove(speakerId, b);
            return Optional.empty();
        }
        return Optional.ofNullable(b);
    }

    /** Lifts a refusal; the one lifted, if there was one. */
    public Optional<Ban> lift(String room, String speakerId) {
        Map<String, Ban> r = byRoom.get(room);
        return r == null ? Optional.empty() : Optional.ofNullable(r.remove(speakerId));
    }

    /** The room's refusals in force, oldest first. */
    public List<Ban> inRoom(String room, Instant now) {
        Map<String, Ban> r = byRoom.get(room);
        if (r == null) {
            return List.of();
        }
        List<Ban> out = new ArrayList<>();
        for (Ban b : r.values()) {
            if (b.activeAt(now)) {
                out.add(b);
            }
        }
        out.sort(Comparator.comparing(Ban::at).thenComparing(Ban::speakerId));
        return out;
    }

    /** Forgets a deleted room's refusals. */
    public void removeRoom(String room) {
        byRoom.remove(room);
    }
}
