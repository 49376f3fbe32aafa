package dev.amphi.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.core.room.Bans;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BanStoreTest {

    @TempDir
    Path dir;

    private static final Instant AT = Instant.parse("2026-12-08T10:00:00Z");

    /** The round trip every database must give: a ban kept once, listed, lifted, a room's forgotten. */
    static void roundTrip(Database db) throws Exception {
        BanStore store = new BanStore(db);
        Bans.Ban mallory = new Bans.Ban("panel", "mallory", "Mallory", Optional.of("p-123"), AT, Optional.empty());
        store.insert(mallory);
        store.insert(new Bans.Ban("panel", "mallory", "MALLORY", Optional.empty(), AT.plusSeconds(60), Optional.empty()));
        store.insert(new Bans.Ban("panel", "eve", "Eve", Optional.empty(), AT.plusSeconds(5), Optional.empty()));
        store.insert(new Bans.Ban("hall", "eve", "Eve", Optional.empty(), AT.plusSeconds(9), Optional.empty()));
        assertThat(store.all()).as("banning someone banned keeps the first").startsWith(mallory).hasSize(3);
        assertThatThrownBy(() -> store.insert(new Bans.Ban("panel", "bob", "Bob", Optional.empty(), AT, Optional.of(AT.plusSeconds(600)))))
                .as("removals that run out are not stored").isInstanceOf(IllegalArgumentException.class);
        assertThat(store.delete("panel", "eve")).isTrue();
        assertThat(store.delete("panel", "eve")).isFalse();
        store.deleteRoom("hall");
        assertThat(store.all()).containsExactly(mallory);
    }

    @Test
    void bansAreKeptListedAndLifted() throws Exception {
        try (Database db = Database.embedded(dir.resolve("amphi.db"))) {
            roundTrip(db);
        }
    }

    @Test
    void aBanOutlastsARemovalAndARemovalRunsOut() {
        Bans bans = new Bans();
        bans.put(new Bans.Ban("panel", "ada", "Ada", Optional.empty(), AT, Optional.of(AT.plusSeconds(600))));
        assertThat(bans.find("panel", "ada", AT.plusSeconds(599))).isPresent();
        assertThat(bans.find("panel", "ada", AT.plusSeconds(600))).as("the removal ran out").isEmpty();
        assertThat(bans.inRoom("panel", AT.plusSeconds(601))).isEmpty();

        bans.put(new Bans.Ban("panel", "eve", "Eve", Optional.empty(), AT, Optional.empty()));
        bans.put(new Bans.Ban("panel", "eve", "Eve", Optional.empty(), AT.plusSeconds(1), Optional.of(AT.plusSeconds(60))));
        assertThat(bans.find("panel", "eve", AT.plusSeconds(3600))).as("a removal does not shorten a ban")
                .hasValueSatisfying(b -> assertThat(b.permanent()).isTrue());
        assertThat(bans.find("hall", "eve", AT)).as("per room").isEmpty();
        assertThat(bans.lift("panel", "eve")).isPresent();
        assertThat(bans.find("panel", "eve", AT)).isEmpty();
    }
}
