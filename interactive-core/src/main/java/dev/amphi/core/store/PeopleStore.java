package dev.amphi.core.store;

import dev.amphi.core.room.Person;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * People with credentials of their own, in the {@link Database}; each call returns once committed.
 * Blocking JDBC: call from a worker thread.
 */
public final class PeopleStore {

    private final Database db;
    private final Clock clock;

    public PeopleStore(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void insert(Person p) throws SQLException {
        try (Connection c = db.connection();
             PreparedStatement s = c.prepareStatement("INSERT INTO people (id, room, display_name, role, stream_key, link_version, revoked, "
                     + "created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, p.id());
            s.setString(2, p.room());
            s.setString(3, p.displayName());
            s.setString(4, p.role().wire());
            s.setString(5, p.streamKey());
            s.setInt(6, p.linkVersion());
            s.setBoolean(7, p.revoked());
            s.setLong(8, clock.millis());
            s.executeUpdate();
        }
    }

    /** Stores someone's new key, link version and revocation; false when there is no such person. */
    public boolean update(Person p) throws SQLException {
        try (Connection c = db.connection();
             PreparedStatement s = c.prepareStatement("UPDATE people SET display_name = ?, role = ?, stream_key = ?, link_version = ?, "
                     + "revoked = ? WHERE id = ?")) {
            s.setString(1, p.displayName());
            s.setString(2, p.role().wire());
            s.setString(3, p.streamKey());
            s.setInt(4, p.linkVersion());
            s.setBoolean(5, p.revoked());
            s.setString(6, p.id());
            return s.executeUpdate() == 1;
        }
    }

    /** Forgets a deleted room's people. */
    public void deleteRoom(String room) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement s = c.prepareStatement("DELETE FROM people WHERE room = ?")) {
            s.setString(1, room);
            s.executeUpdate();
        }
    }

    public List<Person> all() throws SQLException {
        List<Person> out = new ArrayList<>();
        try (Connection c = db.connection();
             PreparedStatement s = c.prepareStatement("SELECT id, room, display_name, role, stream_key, link_version, revoked FROM people "
                     + "ORDER BY created_ms, id");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(new Person(rs.getString(1), rs.getString(2), rs.getString(3),
                        Person.Role.valueOf(rs.getString(4).toUpperCase(Locale.ROOT)), rs.getString(5), rs.getInt(6), rs.getBoolean(7)));
            }
        }
        return out;
    }
}
