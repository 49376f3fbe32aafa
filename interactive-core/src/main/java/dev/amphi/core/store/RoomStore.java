package dev.amphi.core.store;

import dev.amphi.core.room.RoomRecord;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Rooms made through the API, in the {@link Database}: each call returns once its change is
 * committed (with the embedded default: on disk, so a {@code kill -9} right after the API's answer
 * loses nothing). Blocking JDBC: call from a worker thread.
 */
public final class RoomStore {

    private static final String COLUMNS = "name, title, description, scheduled_start_ms, speaker_limit, layout, visibility, status, "
            + "stream_key, settings";

    private final Database db;
    private final Clock clock;

    public RoomStore(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Stores a new room.
     *
     * @return false when a room of that name is stored already (nothing changed)
     */
    public boolean insert(RoomRecord r) throws SQLException {
        long now = clock.millis();
        try (Connection c = db.connection()) {
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM rooms WHERE name = ?")) {
                s.setString(1, r.name());
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO rooms (" + COLUMNS + ", created_ms, updated_ms) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                bind(s, r);
                s.setLong(11, now);
                s.setLong(12, now);
                return s.executeUpdate() == 1;
            }
        }
    }

    /** Replaces a stored room's fields (its name stays); false when there is none of that name. */
    public boolean update(RoomRecord r) throws SQLException {
        try (Connection c = db.connection();
             PreparedStatement s = c.prepareStatement("UPDATE rooms SET title = ?, description = ?, scheduled_start_ms = ?, "
                     + "speaker_limit = ?, layout = ?, visibility = ?, status = ?, stream_key = ?, settings = ?, updated_ms = ? "
                     + "WHERE name = ?")) {
            bindFields(s, 1, r);
            s.setLong(10, clock.millis());
            s.setString(11, r.name());
            return s.executeUpdate() == 1;
        }
    }

    /** Deletes a stored room; false when there was none of that name. */
    public boolean delete(String name) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement s = c.prepareStatement("DELETE FROM rooms WHERE name = ?")) {
            s.setString(1, name);
            return s.executeUpdate() == 1;
        }
    }

    /** Every stored room, oldest first. */
    public List<RoomRecord> all() throws SQLException {
        List<RoomRecord> out = new ArrayList<>();
        try (Connection c = db.connection();
             PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM rooms ORDER BY created_ms, name");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(read(rs));
            }
        }
        return out;
    }

    /** One stored room. */
    public Optional<RoomRecord> get(String name) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM rooms WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static void bind(PreparedStatement s, RoomRecord r) throws SQLException {
        s.setString(1, r.name());
        bindFields(s, 2, r);
    }

    /** Title to settings (9 parameters), from parameter {@code at}. */
    private static void bindFields(PreparedStatement s, int at, RoomRecord r) throws SQLException {
        s.setString(at, r.title());
        s.setString(at + 1, r.description());
        if (r.scheduledStart().isPresent()) {
            s.setLong(at + 2, r.scheduledStart().get().toEpochMilli());
        } else {
            s.setNull(at + 2, Types.BIGINT);
        }
        s.setInt(at + 3, r.speakerLimit());
        s.setString(at + 4, r.layout());
        s.setString(at + 5, r.visibility().wire());
        s.setString(at + 6, r.status().wire());
        s.setString(at + 7, r.streamKey());
        s.setString(at + 8, new JsonObject(new LinkedHashMap<>(r.settings())).encode());
    }

    private static RoomRecord read(ResultSet rs) throws SQLException {
        long start = rs.getLong(4);
        Optional<Instant> scheduled = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(start));
        Map<String, String> settings = new LinkedHashMap<>();
        new JsonObject(rs.getString(10)).forEach(e -> settings.put(e.getKey(), String.valueOf(e.getValue())));
        return new RoomRecord(rs.getString(1), rs.getString(2), rs.getString(3), scheduled, rs.getInt(5), rs.getString(6),
                RoomRecord.Visibility.valueOf(rs.getString(7).toUpperCase(Locale.ROOT)),
                RoomRecord.Status.valueOf(rs.getString(8).toUpperCase(Locale.ROOT)), rs.getString(9), settings,
                RoomRecord.Source.API);
    }
}
