package dev.amphi.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.core.comments.CommentDraft;
import dev.amphi.core.comments.CommentWindows;
import dev.amphi.core.comments.DisplayMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store over a real PostgreSQL (the database of a deployment of several nodes): the same
 * migrations as SQLite's, comments and secrets, two nodes sharing one database.
 */
class PostgresStoreTest {

    static PostgresCluster postgres;

    /** An id near the top of the ids the API makes (63 random bits), at the latest program time of the test. */
    static final CommentWindows.Accepted BIG_ID = new CommentWindows.Accepted(Long.MAX_VALUE - 1, "d4e5f6", "Calm Heron 3",
            new CommentDraft("a 63-bit id", DisplayMode.SCROLL, "#ffffff"), 1_765_000_009_000L, 1_765_000_009_500L);

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresCluster.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void roomsBansAndCommentSettingsAreKeptInPostgresToo() throws Exception {
        try (Database db = Database.open(postgres.newDatabase(), null, null)) {
            RoomStoreTest.roundTrip(db);
            BanStoreTest.roundTrip(db);
            CommentStoreTest.settingsRoundTrip(db);
        }
    }

    @Test
    void commentsAreKeptInPostgresAndTheMigrationsRunOnceForIt() throws Exception {
        String url = postgres.newDatabase();
        try (Database db = Database.open(url, null, null)) {
            CommentStore store = new CommentStore(db);
            store.insert("hall", CommentStoreTest.comment(2, "second 👨‍👩‍👧‍👦"));
            store.insert("hall", CommentStoreTest.comment(1, "first <b>not bold</b>"));
            store.insert("hall", BIG_ID);
            store.insert("stage", CommentStoreTest.comment(3, "elsewhere"));
            assertThat(store.delete("hall", 2)).isTrue();
            assertThat(store.delete("hall", 2)).as("already deleted").isFalse();
            assertThat(store.delete("stage", 1)).as("another room's id").isFalse();
            assertThatThrownBy(() -> store.insert("hall", CommentStoreTest.comment(1, "the same id again")))
                    .isInstanceOf(SQLException.class);
        }
        try (Database db = Database.open(url, null, null)) { // a restart: nothing left to migrate
            CommentStore store = new CommentStore(db);
            assertThat(store.room("hall")).containsExactly(CommentStoreTest.comment(1, "first <b>not bold</b>"),
                    BIG_ID);
            assertThat(store.room("stage")).extracting(c -> c.draft().text()).containsExactly("elsewhere");
            assertThat(store.count("hall", Long.MIN_VALUE, Long.MAX_VALUE)).isEqualTo(2);
            try (Connection c = db.dataSource().getConnection();
                 Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
                int migrations = 0;
                while (r.next()) {
                    migrations++;
                    assertThat(r.getString(1)).isEqualTo(Integer.toString(migrations));
                    assertThat(r.getBoolean(2)).isTrue();
                }
                assertThat(migrations).as("V1 to V8, each applied once").isEqualTo(8);
            }
        }
    }

    @Test
    void heldCommentsMutesAndReactionCountsAreKeptInPostgres() throws Exception {
        try (Database db = Database.open(postgres.newDatabase(), null, null)) {
            CommentStore store = new CommentStore(db);
            store.insert("hall", CommentStoreTest.comment(1, "shown"), false);
            store.insert("hall", CommentStoreTest.comment(2, "held"), true);
            assertThat(store.room("hall")).extracting(c -> c.draft().text()).containsExactly("shown");
            assertThat(store.held().get("hall")).extracting(c -> c.draft().text()).containsExactly("held");
            assertThat(store.approve("hall", 2)).isTrue();
            assertThat(store.approve("hall", 2)).as("once").isFalse();
            assertThat(store.room("hall")).hasSize(2);

            store.mute("hall", "viewer-a", true);
            store.mute("hall", "viewer-a", true); // twice is once
            store.mute("stage", "viewer-b", true);
            store.mute("stage", "viewer-b", false);
            assertThat(store.muted()).containsOnlyKeys("hall").containsEntry("hall", Set.of("viewer-a"));

            store.reactions("hall", List.of(new CommentWindows.ReactionSecond(5_000, Map.of("👏", 3))));
            store.reactions("hall", List.of(new CommentWindows.ReactionSecond(5_000, Map.of("👏", 2, "❤️", 1))));
            assertThat(store.reactions("hall")).containsExactly(
                    new CommentWindows.ReactionSecond(5_000, Map.of("👏", 5, "❤️", 1)));
        }
    }

    @Test
    void anExportReadsPagesInProgramTimeOrder() throws Exception {
        try (Database db = Database.open(postgres.newDatabase(), null, null)) {
            CommentStore store = new CommentStore(db);
            for (long id = 1; id <= 7; id++) {
                store.insert("hall", CommentStoreTest.comment(id, "c" + id));
            }
            store.delete("hall", 4);
            List<CommentWindows.Accepted> first = store.page("hall", Long.MIN_VALUE, -1, Long.MAX_VALUE, 3);
            assertThat(first).extracting(CommentWindows.Accepted::id).containsExactly(1L, 2L, 3L);
            CommentWindows.Accepted last = first.get(2);
            assertThat(store.page("hall", last.at(), last.id(), Long.MAX_VALUE, 3)).extracting(CommentWindows.Accepted::id)
                    .containsExactly(5L, 6L, 7L);
            long t3 = CommentStoreTest.comment(3, "").at();
            assertThat(store.page("hall", t3, -1, t3 + 3, 10)).as("from t3, before t6").extracting(CommentWindows.Accepted::id)
                    .containsExactly(3L, 5L);
        }
    }

    /** Two nodes start at once against one database: one migrates, and both use the same secret. */
    @Test
    void twoNodesSharingTheDatabaseAgreeOnTheSecret() throws Exception {
        String url = postgres.newDatabase();
        CyclicBarrier together = new CyclicBarrier(2);
        Callable<Object[]> node = () -> {
            together.await(30, TimeUnit.SECONDS);
            Database db = Database.open(url, null, null);
            together.await(30, TimeUnit.SECONDS);
            return new Object[] {db, new Secrets(db).get("viewer-token-key", 32)};
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Object[]> a = pool.submit(node);
            Future<Object[]> b = pool.submit(node);
            Object[] first = a.get(120, TimeUnit.SECONDS);
            Object[] second = b.get(120, TimeUnit.SECONDS);
            try (Database one = (Database) first[0]; Database two = (Database) second[0]) {
                assertThat((byte[]) first[1]).hasSize(32).isEqualTo((byte[]) second[1]);
                new CommentStore(one).insert("hall", CommentStoreTest.comment(9, "posted on node one"));
                assertThat(new CommentStore(two).room("hall")).extracting(c -> c.draft().text()).containsExactly("posted on node one");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithoutEchoingIt() throws Exception {
        String url = postgres.newDatabase().replace(PostgresCluster.PASSWORD, "not-the-password");
        assertThatThrownBy(() -> Database.open(url, null, null))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("cannot open the database jdbc:postgresql://127.0.0.1:" + postgres.port())
                .hasMessageNotContaining("not-the-password");
    }
}
