package dev.amphi.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.core.room.RoomRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoomStoreTest {

    @TempDir
    Path dir;

    static RoomRecord room(String name, String title) {
        return new RoomRecord(name, title, "Mechanics, \"week\" 1 – 力学", Optional.of(Instant.parse("2026-12-08T14:00:00Z")), 4,
                "presentation:slides", RoomRecord.Visibility.UNLISTED, RoomRecord.Status.SCHEDULED, "key-of-" + name + "-0123456789",
                Map.of("ladder", "360p:640x360:700k,180p:320x180:250k", "comments-hold", "on"), RoomRecord.Source.API);
    }

    /** The round trip every database must give: insert, a duplicate refused, update, list, delete. */
    static void roundTrip(Database db) throws Exception {
        RoomStore store = new RoomStore(db, Clock.systemUTC());
        RoomRecord physics = room("physics-101", "Physics 101");
        assertThat(store.insert(physics)).isTrue();
        assertThat(store.insert(room("physics-101", "again"))).as("a name in use").isFalse();
        assertThat(store.insert(room("chemistry", "Chemistry"))).isTrue();
        assertThat(store.get("physics-101")).contains(physics);
        RoomRecord ended = new RoomRecord(physics.name(), "Physics 101: Mechanics", "", Optional.empty(), 300, "speaker",
                RoomRecord.Visibility.PRIVATE, RoomRecord.Status.ENDED, physics.streamKey(), Map.of(), RoomRecord.Source.API);
        assertThat(store.update(ended)).isTrue();
        assertThat(store.get("physics-101")).contains(ended);
        assertThat(store.update(room("ghost", "Ghost"))).isFalse();
        assertThat(store.all()).extracting(RoomRecord::name).containsExactlyInAnyOrder("physics-101", "chemistry");
        assertThat(store.delete("chemistry")).isTrue();
        assertThat(store.delete("chemistry")).isFalse();
        assertThat(store.all()).containsExactly(ended);
    }

    @Test
    void roomsAreStoredChangedListedAndDeleted() throws Exception {
        try (Database db = Database.embedded(dir.resolve("amphi.db"))) {
            roundTrip(db);
        }
        try (Database db = Database.embedded(dir.resolve("amphi.db"))) { // and they are there after a restart
            assertThat(new RoomStore(db, Clock.systemUTC()).all()).extracting(RoomRecord::title).containsExactly("Physics 101: Mechanics");
        }
    }
}
