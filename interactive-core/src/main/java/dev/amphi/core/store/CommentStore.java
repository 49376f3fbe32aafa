package dev.amphi.core.store;

import dev.amphi.core.comments.CommentDraft;
import dev.amphi.core.comments.CommentLog;
import dev.amphi.core.comments.CommentSettings;
import dev.amphi.core.comments.CommentWindows;
import dev.amphi.core.comments.DisplayMode;
import dev.amphi.core.comments.RoomCommentMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Viewers' comments in the {@link Database}. {@link #insert} returns once the comment is committed
 * (with the embedded default: on disk), so the API acknowledges only what a restart will find.
 * Deleted comments stay, marked, for moderation records; {@link #room} leaves them out, and held
 * ones (waiting for approval). Also muted viewers and reaction counts per second.
 * Blocking JDBC: call from a worker thread.
 */
public final class CommentStore implements CommentLog {

    private final Database db;

    public CommentStore(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    /** Stores an accepted comment of {@code room} that is shown at once; returns when it is committed. */
    public void insert(String room, CommentWindows.Accepted c) throws SQLException {
        insert(room, c, false);
    }

    /** Stores an accepted comment of {@code room} ({@code held} for approval); returns when it is committed. */
    @Override
    public void insert(String room, CommentWindows.Accepted c, boolean held) throws SQLException {
        try (Connection conn = db.connection();
             PreparedStatement s = conn.prepareStatement("INSERT INTO comments (id, room, viewer, nickname, text, mode, color, "
                     + "at_ms, received_ms, deleted, held) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?)")) {
            s.setLong(1, c.id());
            s.setString(2, room);
            s.setString(3, c.viewer());
            s.setString(4, c.nickname());
            s.setString(5, c.draft().text());
            s.setString(6, c.draft().mode().wire());
            s.setString(7, c.draft().color());
            s.setLong(8, c.at());
            s.setLong(9, c.received());
            s.setBoolean(10, held);
            s.executeUpdate();
        }
    }

    /** Marks a comment of {@code room} deleted; whether there was one not deleted yet. */
    @Override
    public boolean delete(String room, long id) throws SQLException {
        try (Connection conn = db.connection();
             PreparedStatement s = conn.prepareStatement("UPDATE comments SET deleted = TRUE WHERE room = ? AND id = ? AND deleted = FALSE")) {
            s.setString(1, room);
            s.setLong(2, id);
            return s.executeUpdate() == 1;
        }
    }

    @Override
    public boolean approve(String room, long id) throws SQLException {
        try (Connection conn = db.connection();
             PreparedStatement s = conn.prepareStatement("UPDATE comments SET held = FALSE WHERE room = ? AND id = ? AND held = TRUE "
                     + "AND deleted = FALSE")) {
            s.setString(1, room);
            s.setLong(2, id);
            return s.executeUpdate() == 1;
        }
    }

    /** The comments of {@code room} that viewers were shown (not deleted, not held), in program-time order. */
    public List<CommentWindows.Accepted> room(String room) throws SQLException {
        return select("FROM comments WHERE room = ? AND deleted = FALSE AND held = FALSE ORDER BY at_ms, id", room).getOrDefault(room, List.of());
    }

    @Override
    public Map<String, List<CommentWindows.Accepted>> held() throws SQLException {
        return select("FROM comments WHERE held = TRUE AND deleted = FALSE ORDER BY at_ms, id", null);
    }

    private Map<String, List<CommentWindows.Accepted>> select(String rest, String room) throws SQLException {
        Map<String, List<CommentWindows.Accepted>> out = new HashMap<>();
        try (Connection conn = db.connection();
             PreparedStatement s = conn.prepareStatement("SELECT id, viewer, nickname, text, mode, color, at_ms, received_ms, room " + rest)) {
            if (room != null) {
                s.setString(1, room);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.computeIfAbsent(r.getString(9), x -> new ArrayList<>()).add(accepted(r));
                }
            }
        }
        return out;
    }

    @Override
    public void mute(String room, String viewer, boolean muted) throws SQLException {
        String sql = muted
                ? "INSERT INTO muted_viewers (room, viewer, muted_ms) VALUES (?, ?, ?) ON CONFLICT (room, viewer) DO NOTHING"
                : "DELETE FROM muted_viewers WHERE room = ? AND viewer = ?";
        try (Connection conn = db.connection(); PreparedStatement s = conn.prepareStatement(sql)) {
            s.setString(1, room);
            s.setString(2, viewer);
            if (muted) {
                s.setLong(3, System.currentTimeMillis());
            }
            s.executeUpdate();
        }
    }

    @Override
    public Map<String, Set<String>> muted() throws SQLException {
        Map<String, Set<String>> out = new HashMap<>();
        try (Connection conn = db.connection();
             PreparedStatement s = conn.prepareStatement("SELECT room, viewer FROM muted_viewers");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.computeIfAbsent(r.getString(1), x -> new HashSet<>()).add(r.getString(2));
            }
        }
        return out;
    }

    @Override
    public void reactions(String room, List<CommentWindows.ReactionSecond> counts) throws SQLException {
        try (Connection conn = db.connection();
             PreparedStatement s = conn.prepareStatement("INSERT INTO reaction_counts (room, second_ms, emoji, count) VALUES (?, ?, ?, ?) "
                     + "ON CONFLICT (room, second_ms, emoji) DO UPDATE SET count = reaction_counts.count + excluded.count")) {
            for (CommentWindows.ReactionSecond rs : counts) {
                for (Map.Entry<String, Integer> e : rs.counts().entrySet()) {
                    s.setString(1, room);
                    s.setLong(2, rs.second());
                    s.setString(3, e.getKey());
                    s.setInt(4, e.getValue());
                    s.addBatch();
                }
            }
            s.executeBatch();
        }
    }

    /** The reaction counts of {@code room} by second, in time order. */
    public List<CommentWindows.ReactionSecond> reactions(String room) throws SQLException {
        java.util.TreeMap<Long, Map<String, Integer>> bySecond = new java.util.TreeMap<>();
        try (Connection conn = db.connection();
             PreparedStatement s = conn.prepareStatement("SELECT second_ms, emoji, count FROM reaction_counts WHERE room = ?")) {
            s.setString(1, room);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    bySecond.computeIfAbsent(r.getLong(1), x -> new HashMap<>()).put(r.getString(2), r.getInt(3));
                }
            }
        }
        return bySecond.entrySet().stream().map(e -> new CommentWindows.ReactionSecond(e.getKey(), e.getValue())).toList();
    }

    /**
     * One page of an export: at most {@code limit} comments of {@code room} that viewers were shown (not deleted, not held), with
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
                     + "FROM comments WHERE room = ? AND deleted = FALSE AND held = FALSE AND at_ms < ? AND (at_ms > ? OR (at_ms = ? AND id > ?)) "
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

    /** How many comments of {@code room} that viewers were shown (not deleted, not held) have a program time in {@code [from, to)}. */
    public long count(String room, long from, long to) throws SQLException {
        try (Connection conn = db.connection();
             PreparedStatement s = conn.prepareStatement(
                     "SELECT COUNT(*) FROM comments WHERE room = ? AND deleted = FALSE AND held = FALSE AND at_ms >= ? AND at_ms < ?")) {
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

    @Override
    public void settings(String room, CommentSettings settings) throws SQLException {
        try (Connection conn = db.connection();
             PreparedStatement s = conn.prepareStatement("INSERT INTO comment_settings (room, mode, slow_mode_s, hold) VALUES (?, ?, ?, ?) "
                     + "ON CONFLICT (room) DO UPDATE SET mode = excluded.mode, slow_mode_s = excluded.slow_mode_s, hold = excluded.hold")) {
            s.setString(1, room);
            s.setString(2, settings.mode().wire());
            s.setInt(3, (int) settings.slowMode().toSeconds());
            s.setBoolean(4, settings.hold());
            s.executeUpdate();
        }
    }

    @Override
    public Map<String, CommentSettings> settings() throws SQLException {
        Map<String, CommentSettings> out = new HashMap<>();
        try (Connection conn = db.connection();
             PreparedStatement s = conn.prepareStatement("SELECT room, mode, slow_mode_s, hold FROM comment_settings");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                out.put(r.getString(1), new CommentSettings(RoomCommentMode.parse(r.getString(2)), java.time.Duration.ofSeconds(r.getInt(3)),
                        r.getBoolean(4)));
            }
        }
        return out;
    }
}
