package dev.amphi.core.room;

import java.util.List;
import java.util.Optional;

/**
 * Rooms as the administrator manages them: the port the rooms API calls, implemented by the
 * server (which stores a room and starts or stops it). {@link #create}, {@link #update} and
 * {@link #delete} block (the database): call them from a worker; they return once the change is
 * committed and in effect.
 */
public interface RoomAdmin {

    /** Every room: the configured ones first, then those made through the API, oldest first. */
    List<RoomRecord> rooms();

    Optional<RoomRecord> room(String name);

    /**
     * Makes a room ({@code spec}'s key empty: one is generated), stores it and opens it to publishers.
     *
     * @throws Refused for a name in use (409) or settings the server cannot run (400)
     */
    RoomRecord create(RoomRecord spec) throws Exception;

    /**
     * Stores a room's new fields and applies them (title, layout and the ended state at once; the
     * speaker limit and the program settings from the room's next program start).
     *
     * @throws Refused for a room configured by flags (409) or bad settings (400)
     */
    RoomRecord update(RoomRecord changed) throws Exception;

    /**
     * Stops a room's program, refuses its key, and forgets the room.
     *
     * @return false when there is no such room
     * @throws Refused for a room configured by flags (409)
     */
    boolean delete(String name) throws Exception;

    /** A change the server will not make, with the HTTP status, the field and the rule it breaks. */
    final class Refused extends Exception {
        private final int status;
        private final String field;
        private final String rule;

        public Refused(int status, String field, String rule, String message) {
            super(message);
            this.status = status;
            this.field = field;
            this.rule = rule;
        }

        public int status() {
            return status;
        }

        /** The request's field at fault, or null. */
        public String field() {
            return field;
        }

        public String rule() {
            return rule;
        }
    }
}
