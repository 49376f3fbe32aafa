package dev.amphi.core.room;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A room as the rooms API sees and stores it: what a host sets up (title, description, scheduled
 * start, speaker limit, layout, visibility, the room's own settings) besides its name and key.
 *
 * @param name           the URL name ({@link Room#isValidName})
 * @param title          1 to 200 characters
 * @param description    up to 2000 characters
 * @param scheduledStart when the event is planned, if it is
 * @param speakerLimit   speakers who may publish at once, 1 to 300
 * @param layout         {@code gallery}, {@code gallery:N}, {@code speaker} or {@code presentation:ID}
 * @param visibility     who may find and watch it
 * @param status         {@link Status#SCHEDULED} or {@link Status#ENDED} as stored (live is the room's state, not stored)
 * @param streamKey      the room's key (hosts', and speakers' until they have their own)
 * @param settings       the room's own {@code --room-setting} values by key (ladder, comments, …)
 * @param source         where it was configured
 */
public record RoomRecord(String name, String title, String description, Optional<Instant> scheduledStart, int speakerLimit,
                         String layout, Visibility visibility, Status status, String streamKey, Map<String, String> settings,
                         Source source) {

    /** Who may find and watch a room. */
    public enum Visibility {
        /** Listed in {@code GET /api/rooms} and on the home page. */
        PUBLIC,
        /** Not listed; anyone with the link watches. */
        UNLISTED,
        /** Not listed; only hosts see it in the API (viewer tokens for its stream come later). */
        PRIVATE;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** An event's state. */
    public enum Status {
        SCHEDULED, LIVE, ENDED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Where a room was configured. */
    public enum Source {
        /** {@code --room} flags (and the lobby): changed by changing the flags. */
        FLAGS,
        /** {@code POST /api/rooms}: stored in the database. */
        API;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public RoomRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(scheduledStart, "scheduledStart");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(visibility, "visibility");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(streamKey, "streamKey");
        Objects.requireNonNull(source, "source");
        settings = java.util.Collections.unmodifiableMap(new TreeMap<>(settings));
    }

    /** The room the registry and the ingest know. */
    public Room room() {
        return new Room(name, title, streamKey);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "RoomRecord[" + name + ", " + source.wire() + "]";
    }
}
