package dev.amphi.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The server's database: a HikariCP pool over a JDBC URL, its schema migrated by Flyway
 * ({@code db/migration} on the classpath) when it opens.
 *
 * <p>The default is an SQLite file ({@link #embedded}) in WAL mode with {@code synchronous=FULL}:
 * a transaction that returned is on disk, so a {@code kill -9} (or a power cut) right after an
 * acknowledged write loses nothing, and readers never wait for the writer. SQLite has one writer at
 * a time, so the pool holds a handful of connections and writes queue for the file's lock (5 s
 * busy timeout). Blocking: open and use it off the event loops.
 */
public final class Database implements AutoCloseable {

    private final HikariDataSource pool;

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    /** The embedded default: {@code FILE} (created with its directory when missing), SQLite in WAL mode. */
    public static Database embedded(Path file) throws SQLException {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
        } catch (java.io.IOException e) {
            throw new SQLException("cannot create the directory of the database " + file + ": " + e.getMessage(), e);
        }
        return open("jdbc:sqlite:" + file.toAbsolutePath(), null, null);
    }

    /**
     * Any JDBC URL ({@code jdbc:sqlite:…}, {@code jdbc:postgresql://…}); SQLite URLs get WAL mode, full
     * synchronous commits and a busy timeout.
     */
    public static Database open(String jdbcUrl, String user, String password) throws SQLException {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(jdbcUrl);
        c.setUsername(user);
        c.setPassword(password);
        c.setPoolName("amphi-db");
        boolean sqlite = jdbcUrl.startsWith("jdbc:sqlite:");
        if (sqlite) {
            c.setMaximumPoolSize(4);
            c.addDataSourceProperty("journal_mode", "WAL");
            c.addDataSourceProperty("synchronous", "FULL");
            c.addDataSourceProperty("busy_timeout", "5000");
            c.addDataSourceProperty("foreign_keys", "true");
        } else {
            c.setMaximumPoolSize(8);
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(c);
        } catch (RuntimeException e) {
            throw new SQLException("cannot open the database " + redacted(jdbcUrl) + ": " + e.getMessage(), e);
        }
        try {
            Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw new SQLException("cannot migrate the database " + redacted(jdbcUrl) + ": " + e.getMessage(), e);
        }
        return new Database(pool);
    }

    /** A URL without its query (which may carry a password). */
    private static String redacted(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }

    public DataSource dataSource() {
        return pool;
    }

    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public void close() {
        pool.close();
    }
}
