package dev.amphi.core.store;

import dev.amphi.core.comments.CommentDraft;
import dev.amphi.core.comments.CommentWindows;
import dev.amphi.core.comments.DisplayMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Viewers' comments in the {@link Database}. {@link #insert} returns once the comment is committed
 * (with the embedded default: on disk), so the API acknowledges only what a restart will find.
 * Deleted comments stay, marked, for moderation records; {@link #room} leaves them out.
 * Blocking JDBC: call from a worker thread.
 */
public final class CommentStore {

    private final Database db;

    public CommentStore(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    /** Stores an accepted comment of {@code room}; returns when it is committed. */
    public void insert(String room, CommentWindows.Accepted c) throws SQLException {
        try (Connection conn = db.connection();
             PreparedStatement s = conn.prepareStatement("INSERT INTO comments (id, room, viewer, nickname, text, mode, color, "
                     + "at_ms, received_ms, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE)")) {
            s.setLong(1, c.id());
            s.setString(2, room);
            s.setString(3, c.viewer());
            s.setString(4, c.nickname());
            s.setString(5, c.draft().text());
            s.setString(6, c.draft().mode().wire());
            s.setString(7, c.draft().color());
            s.setLong(8, c.at());
            s.setLong(9, c.received());
            s.executeUpdate();
        }
    }

    /** Marks a comment of {@code room} deleted; whether there was one not deleted yet. */
    public boolean delete(String room, long id) throws SQLException {
        try (Connection conn = db.connection();
             PreparedStatement s = conn.prepareStatement("UPDATE comments SET deleted = TRUE WHERE room = ? AND id = ? AND deleted = FALSE")) {
            s.setString(1, room);
            s.setLong(2, id);
            return s.executeUpdate() == 1;
        }
    }

    /** The comments of {@code room} that are not deleted, in program-time order. */
    public List<CommentWindows.Accepted> room(String room) throws SQLException {
        List<CommentWindows.Accepted> out = new ArrayList<>();
        try (Connection conn = db.connection();
             PreparedStatement s = conn.prepareStatement("SELECT id, viewer, nickname, text, mode, color, at_ms, received_ms "
                     + "FROM comments WHERE room = ? AND deleted = FALSE ORDER BY at_ms, id")) {
            s.setString(1, room);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    CommentDraft d = new CommentDraft(r.getString(4),
                            DisplayMode.valueOf(r.getString(5).toUpperCase(Locale.ROOT)), r.getString(6));
                    out.add(new CommentWindows.Accepted(r.getLong(1), r.getString(2), r.getString(3), d, r.getLong(7), r.getLong(8)));
                }
            }
        }
        return out;
    }

    /**
     * One page of an export: at most {@code limit} comments of {@code room} that are not deleted, with
     * a program time before {@code to}, that come after {@code (afterAt, afterId)} in program-time
     * order (ties by id). Start with {@code (from, -1)} for every comment at or after {@code from}, then
     * go on from the last comment of each page, until a page is short.
     */
    public List<CommentWindows.Accepted> page(String room, long afterAt, long afterId, long to, int limit) throws SQLException {
        if (limit < 1) {
            throw new IllegalArgumentException("a page holds at least one comment, was " + limit);
        }
        List<CommentWindows.Accepted> out = new ArrayList<>();
        try (Connection conn = db.connection();
             PreparedStatement s = conn.prepareStatement("SELECT id, viewer, nickname, text, mode, color, at_ms, received_ms "
                     + "FROM comments WHERE room = ? AND deleted = FALSE AND at_ms < ? AND (at_ms > ? OR (at_ms = ? AND id > ?)) "
                     + "ORDER BY at_ms, id LIMIT ?")) {
            s.setString(1, room);
            s.setLong(2, to);
            s.setLong(3, afterAt);
            s.setLong(4, afterAt);
            s.setLong(5, afterId);
            s.setInt(6, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(accepted(r));
                }
            }
        }
        return out;
    }

    /** How many comments of {@code room} that are not deleted have a program time in {@code [from, to)}. */
    public long count(String room, long from, long to) throws SQLException {
        try (Connection conn = db.connection();
             PreparedStatement s = conn.prepareStatement(
                     "SELECT COUNT(*) FROM comments WHERE room = ? AND deleted = FALSE AND at_ms >= ? AND at_ms < ?")) {
            s.setString(1, room);
            s.setLong(2, from);
            s.setLong(3, to);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** A row of {@code SELECT id, viewer, nickname, text, mode, color, at_ms, received_ms}. */
    private static CommentWindows.Accepted accepted(ResultSet r) throws SQLException {
        CommentDraft d = new CommentDraft(r.getString(4), DisplayMode.valueOf(r.getString(5).toUpperCase(Locale.ROOT)), r.getString(6));
        return new CommentWindows.Accepted(r.getLong(1), r.getString(2), r.getString(3), d, r.getLong(7), r.getLong(8));
    }
}
