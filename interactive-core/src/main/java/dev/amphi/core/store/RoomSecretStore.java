package dev.amphi.core.store;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Base64;
import java.util.Objects;

/**
 * Private rooms' secrets in the {@link Database}: 32 random bytes, base64url (43 characters, no
 * padding: usable as is in an nginx map). Each call returns once committed; blocking JDBC, call
 * from a worker thread.
 */
public final class RoomSecretStore {

    private final Database db;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public RoomSecretStore(Database db, Clock clock) {
        this.db = Objects.requireNonNull(db, "db");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private String fresh() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The room's secret, made the first time it is asked for (every node of one database gets the same). */
    public String get(String room) throws SQLException {
        try (Connection c = db.connection()) {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO room_secrets (room, secret, rotated_ms) VALUES (?, ?, ?) "
                    + "ON CONFLICT (room) DO NOTHING")) {
                s.setString(1, room);
                s.setString(2, fresh());
                s.setLong(3, clock.millis());
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("SELECT secret FROM room_secrets WHERE room = ?")) {
                s.setString(1, room);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        throw new SQLException("the secret of room " + room + " was neither found nor stored");
                    }
                    return r.getString(1);
                }
            }
        }
    }

    /** Replaces the room's secret with a new one, returned. */
    public String rotate(String room) throws SQLException {
        String secret = fresh();
        try (Connection c = db.connection();
             PreparedStatement s = c.prepareStatement("INSERT INTO room_secrets (room, secret, rotated_ms) VALUES (?, ?, ?) "
                     + "ON CONFLICT (room) DO UPDATE SET secret = excluded.secret, rotated_ms = excluded.rotated_ms")) {
            s.setString(1, room);
            s.setString(2, secret);
            s.setLong(3, clock.millis());
            s.executeUpdate();
        }
        return secret;
    }

    /** Forgets a deleted room's secret. */
    public void delete(String room) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement s = c.prepareStatement("DELETE FROM room_secrets WHERE room = ?")) {
            s.setString(1, room);
            s.executeUpdate();
        }
    }
}
