package dev.amphi.core.room;

import java.util.Locale;
import java.util.Objects;

/**
 * Someone with credentials of their own in a room: their stream key (RTMP, WHIP) and join links
 * signed for them. Their display name is what their tile shows, whatever a client asks for.
 *
 * @param id          random, URL-safe, unique over the server
 * @param room        the room's name
 * @param displayName 1 to 64 characters
 * @param role        host or speaker
 * @param streamKey   their own key
 * @param linkVersion join links carry it; a new version voids the older links
 * @param revoked     refused everywhere (kicked or banned)
 */
public record Person(String id, String room, String displayName, Role role, String streamKey, int linkVersion, boolean revoked) {

    /** What someone may do in a room. */
    public enum Role {
        HOST, SPEAKER;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Person {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(streamKey, "streamKey");
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "Person[" + id + " in " + room + (revoked ? ", revoked" : "") + "]";
    }
}
