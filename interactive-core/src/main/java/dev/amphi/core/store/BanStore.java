package dev.amphi.core.store;

import dev.amphi.core.room.Bans;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Rooms' bans (permanent ones; removals that run out are not stored) in the {@link Database}; each
 * call returns once committed. Blocking JDBC: call from a worker thread.
 */
public final class BanStore {

    private final Database db;

    public BanStore(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    /** Stores a ban; banning someone already banned keeps the first. */
    public void insert(Bans.Ban ban) throws SQLException {
        if (!ban.permanent()) {
            throw new IllegalArgumentException("only bans are stored, not removals that run out");
        }
        try (Connection c = db.connection();
             PreparedStatement s = c.prepareStatement("INSERT INTO bans (room, speaker_id, display_name, person_id, created_ms) "
                     + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (room, speaker_id) DO NOTHING")) {
            s.setString(1, ban.room());
            s.setString(2, ban.speakerId());
            s.setString(3, ban.displayName());
            s.setString(4, ban.personId().orElse(null));
            s.setLong(5, ban.at().toEpochMilli());
            s.executeUpdate();
        }
    }

    /** Lifts a ban; false when there was none. */
    public boolean delete(String room, String speakerId) throws SQLException {
        try (Connection c = db.connection();
             PreparedStatement s = c.prepareStatement("DELETE FROM bans WHERE room = ? AND speaker_id = ?")) {
            s.setString(1, room);
            s.setString(2, speakerId);
            return s.executeUpdate() == 1;
        }
    }

    /** Forgets a deleted room's bans. */
    public void deleteRoom(String room) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement s = c.prepareStatement("DELETE FROM bans WHERE room = ?")) {
            s.setString(1, room);
            s.executeUpdate();
        }
    }

    public List<Bans.Ban> all() throws SQLException {
        List<Bans.Ban> out = new ArrayList<>();
        try (Connection c = db.connection();
             PreparedStatement s = c.prepareStatement("SELECT room, speaker_id, display_name, person_id, created_ms FROM bans "
                     + "ORDER BY created_ms, room, speaker_id");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(new Bans.Ban(rs.getString(1), rs.getString(2), rs.getString(3), Optional.ofNullable(rs.getString(4)),
                        Instant.ofEpochMilli(rs.getLong(5)), Optional.empty()));
            }
        }
        return out;
    }
}
