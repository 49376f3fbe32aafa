package dev.amphi.core.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoomRegistryTest {

    private final RoomRegistry registry = RoomRegistry.of(List.of(
            Room.of("lobby", "lobby-secret-key"), new Room("math-101", "Math 101", "k2")));

    @Test
    void findsRoomByExactStreamKeyOnly() {
        assertThat(registry.byStreamKey("lobby-secret-key")).map(Room::name).contains("lobby");
        assertThat(registry.byStreamKey("k2")).map(Room::name).contains("math-101");
        assertThat(registry.byStreamKey("lobby-secret-ke")).isEmpty();
        assertThat(registry.byStreamKey("LOBBY-SECRET-KEY")).isEmpty();
        assertThat(registry.byStreamKey("")).isEmpty();
        assertThat(registry.byStreamKey(null)).isEmpty();
    }

    @Test
    void findsRoomByName() {
        assertThat(registry.byName("math-101")).map(Room::title).contains("Math 101");
        assertThat(registry.byName("nope")).isEmpty();
    }

    @Test
    void roomsComeAndGoAtRunTimeWithTheirKeys() {
        List<String> events = new ArrayList<>();
        registry.addRoomsListener(new RoomRegistry.RoomsListener() {
            @Override
            public void added(Room room) {
                events.add("+" + room.name());
            }

            @Override
            public void removed(Room room) {
                events.add("-" + room.name());
            }
        });
        registry.addLiveListener((room, live) -> events.add(room.name() + "=" + live));
        registry.add(new Room("physics", "Physics", "physics-key"));
        assertThat(registry.byStreamKey("physics-key")).map(Room::name).contains("physics");
        assertThat(registry.rooms()).extracting(Room::name).containsExactly("lobby", "math-101", "physics");
        assertThatThrownBy(() -> registry.add(new Room("physics", "Again", "other-key"))).hasMessageContaining("physics");
        assertThatThrownBy(() -> registry.add(new Room("chem", "Chem", "k2"))).as("another room's key").hasMessageContaining("math-101");

        registry.replace(new Room("physics", "Physics 101", "new-physics-key"));
        assertThat(registry.byName("physics")).map(Room::title).contains("Physics 101");
        assertThat(registry.byStreamKey("physics-key")).as("the old key stops at once").isEmpty();
        assertThat(registry.byStreamKey("new-physics-key")).map(Room::name).contains("physics");

        registry.setEnded("physics", true);
        assertThat(registry.isEnded("physics")).isTrue();
        registry.setLive("physics", true);
        assertThat(registry.remove("physics")).isTrue();
        assertThat(registry.remove("physics")).isFalse();
        assertThat(registry.byStreamKey("new-physics-key")).isEmpty();
        assertThat(registry.isLive("physics")).isFalse();
        assertThat(registry.isEnded("physics")).isFalse();
        registry.setLive("physics", false); // a removed room's program stopping late: ignored
        assertThat(events).containsExactly("+physics", "physics=true", "physics=false", "-physics");
    }

    @Test
    void keepsConfigurationOrder() {
        assertThat(registry.rooms()).extracting(Room::name).containsExactly("lobby", "math-101");
    }

    @Test
    void tracksLiveStateAndNotifiesOnlyOnChange() {
        List<String> events = new ArrayList<>();
        registry.addLiveListener((room, live) -> events.add(room.name() + "=" + live));

        registry.setLive("math-101", true);
        registry.setLive("math-101", true);
        assertThat(registry.isLive("math-101")).isTrue();
        assertThat(registry.isLive("lobby")).isFalse();
        assertThat(registry.liveRooms()).containsExactly("math-101");

        registry.setLive("math-101", false);
        assertThat(registry.liveRooms()).isEmpty();
        assertThat(events).containsExactly("math-101=true", "math-101=false");
    }

    @Test
    void refusesLiveStateForUnknownRoom() {
        assertThatThrownBy(() -> registry.setLive("ghost", true)).hasMessageContaining("ghost");
    }

    @Test
    void refusesDuplicateNamesAndKeys() {
        assertThatThrownBy(() -> RoomRegistry.of(List.of(Room.of("a", "k1"), Room.of("a", "k2"))))
                .hasMessageContaining("room a is configured twice");
        assertThatThrownBy(() -> RoomRegistry.of(List.of(Room.of("a", "same"), Room.of("b", "same"))))
                .hasMessageContaining("rooms a and b have the same stream key");
    }

    @Test
    void validatesNamesAndKeys() {
        assertThatThrownBy(() -> Room.of("Lobby", "k")).hasMessageContaining("[a-z0-9-]{1,64}").hasMessageContaining("'Lobby'");
        assertThatThrownBy(() -> Room.of("a".repeat(65), "k")).hasMessageContaining("[a-z0-9-]{1,64}");
        assertThatThrownBy(() -> Room.of("", "k")).hasMessageContaining("[a-z0-9-]{1,64}");
        assertThatThrownBy(() -> Room.of("ok", "")).hasMessageContaining("room ok: stream key");
        assertThatThrownBy(() -> Room.of("ok", "a/b")).hasMessageContaining("stream key");
        assertThatThrownBy(() -> Room.of("ok", "a b")).hasMessageContaining("stream key");
        assertThatThrownBy(() -> new Room("ok", " ", "k")).hasMessageContaining("title");
        assertThat(Room.of("a-1", "k").toString()).doesNotContain("k]").isEqualTo("Room[a-1]");
    }
}
