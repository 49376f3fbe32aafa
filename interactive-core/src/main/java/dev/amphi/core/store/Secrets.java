package dev.amphi.core.store;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Objects;

/**
 * Server-wide random secrets kept in the {@link Database}, so they survive restarts and every node
 * of a deployment sharing one database signs and checks with the same key (a viewer's token then
 * works on any node). A secret is made the first time it is asked for; when two nodes race, the
 * first insert wins and both read it. Blocking JDBC: call at start-up or from a worker.
 */
public final class Secrets {

    private final Database db;
    private final SecureRandom random = new SecureRandom();

    public Secrets(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    /** The secret called {@code name} ({@code bytes} random bytes the first time). */
    public byte[] get(String name, int bytes) throws SQLException {
        byte[] fresh = new byte[bytes];
        random.nextBytes(fresh);
        try (Connection c = db.connection()) {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                s.setString(1, name);
                s.setString(2, Base64.getEncoder().encodeToString(fresh));
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("SELECT value FROM secrets WHERE name = ?")) {
                s.setString(1, name);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        throw new SQLException("the secret " + name + " was neither found nor stored");
                    }
                    return Base64.getDecoder().decode(r.getString(1));
                }
            }
        }
    }
}
