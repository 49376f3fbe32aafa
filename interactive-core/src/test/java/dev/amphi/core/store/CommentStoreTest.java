package dev.amphi.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.core.comments.CommentDraft;
import dev.amphi.core.comments.CommentSettings;
import dev.amphi.core.comments.CommentWindows;
import dev.amphi.core.comments.DisplayMode;
import dev.amphi.core.comments.RoomCommentMode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommentStoreTest {

    @TempDir
    Path dir;

    static CommentWindows.Accepted comment(long id, String text) {
        return new CommentWindows.Accepted(id, "a1b2c3", "Quiet Owl 7", new CommentDraft(text, DisplayMode.TOP, "#ff7204"),
                1_765_000_000_000L + id, 1_765_000_001_000L + id);
    }

    /** A moderator's settings are kept, replaced by the next change, and read back by room. */
    static void settingsRoundTrip(Database db) throws Exception {
        CommentStore store = new CommentStore(db);
        assertThat(store.settings()).isEmpty();
        store.settings("hall", new CommentSettings(RoomCommentMode.EMOJI, java.time.Duration.ofSeconds(30), true));
        store.settings("stage", CommentSettings.defaults());
        store.settings("hall", new CommentSettings(RoomCommentMode.OFF, java.time.Duration.ofSeconds(5), false));
        assertThat(store.settings()).containsOnly(
                java.util.Map.entry("hall", new CommentSettings(RoomCommentMode.OFF, java.time.Duration.ofSeconds(5), false)),
                java.util.Map.entry("stage", CommentSettings.defaults()));
    }

    @Test
    void moderatorsSettingsAreKept() throws Exception {
        try (Database db = Database.embedded(dir.resolve("settings.db"))) {
            settingsRoundTrip(db);
        }
        try (Database db = Database.embedded(dir.resolve("settings.db"))) {
            assertThat(new CommentStore(db).settings().get("hall").mode()).isEqualTo(RoomCommentMode.OFF);
        }
    }

    @Test
    void commentsAreKeptAcrossARestartAndDeletedOnesAreLeftOut() throws Exception {
        Path file = dir.resolve("data/amphi.db");
        try (Database db = Database.embedded(file)) {
            CommentStore store = new CommentStore(db);
            store.insert("hall", comment(2, "second 👨‍👩‍👧‍👦"));
            store.insert("hall", comment(1, "first <b>not bold</b>"));
            store.insert("stage", comment(3, "elsewhere"));
            assertThat(store.delete("hall", 2)).isTrue();
            assertThat(store.delete("hall", 2)).as("already deleted").isFalse();
            assertThat(store.delete("stage", 1)).as("another room's id").isFalse();
        }
        try (Database db = Database.embedded(file)) { // migrations run again: nothing to do
            List<CommentWindows.Accepted> hall = new CommentStore(db).room("hall");
            assertThat(hall).containsExactly(comment(1, "first <b>not bold</b>"));
            assertThat(new CommentStore(db).room("stage")).extracting(c -> c.draft().text()).containsExactly("elsewhere");
        }
    }

    @Test
    void theEmbeddedDatabaseWritesAheadAndSyncsEveryCommit() throws Exception {
        try (Database db = Database.embedded(dir.resolve("amphi.db"));
             Connection c = db.dataSource().getConnection();
             Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("PRAGMA journal_mode")) {
                r.next();
                assertThat(r.getString(1)).isEqualToIgnoringCase("wal");
            }
            try (ResultSet r = s.executeQuery("PRAGMA synchronous")) {
                r.next();
                assertThat(r.getInt(1)).as("FULL").isEqualTo(2);
            }
        }
    }

    /**
     * A writer in its own JVM prints each id once its insert returned; it is killed with SIGKILL in
     * the middle of a burst, and every id it printed is in the database afterwards.
     */
    @Test
    void killMinusNineLosesNoAcknowledgedComment() throws Exception {
        Path file = dir.resolve("amphi.db");
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StoreWriter.class.getName(), file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long lastAcked = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (!line.startsWith("acked ")) {
                    continue; // the child's log lines
                }
                lastAcked = Long.parseLong(line.substring("acked ".length()));
                if (lastAcked >= 300) {
                    writer.destroyForcibly(); // SIGKILL, while it keeps writing
                    break;
                }
            }
        }
        assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(writer.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        assertThat(lastAcked).isGreaterThanOrEqualTo(300);
        try (Database db = Database.embedded(file)) {
            List<CommentWindows.Accepted> kept = new CommentStore(db).room("hall");
            assertThat(kept.size()).as("every acknowledged comment, and perhaps the one in flight").isGreaterThanOrEqualTo((int) lastAcked + 1);
            for (int i = 0; i <= lastAcked; i++) {
                assertThat(kept.get(i).id()).isEqualTo(i);
            }
        }
    }

    /** The writer of {@link #killMinusNineLosesNoAcknowledgedComment}: inserts until killed. */
    public static final class StoreWriter {
        public static void main(String[] args) throws Exception {
            try (Database db = Database.embedded(Path.of(args[0]))) {
                CommentStore store = new CommentStore(db);
                for (long id = 0; id < 100_000; id++) {
                    store.insert("hall", comment(id, "burst " + id));
                    System.out.println("acked " + id);
                    System.out.flush();
                }
            }
        }
    }
}
