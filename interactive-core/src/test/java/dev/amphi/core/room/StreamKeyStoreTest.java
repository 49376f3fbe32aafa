package dev.amphi.core.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamKeyStoreTest {

    @TempDir
    Path dir;

    @Test
    void generatesKeyOnceAndKeepsItAcrossInstances() throws IOException {
        Path data = dir.resolve("nested/data");
        String first = StreamKeyStore.in(data).keyFor("lobby");
        String again = StreamKeyStore.in(data).keyFor("lobby");

        assertThat(first).matches("[A-Za-z0-9_-]{24}");
        assertThat(again).isEqualTo(first);
        assertThat(Files.readString(data.resolve("lobby.key")).strip()).isEqualTo(first);
        assertThat(Files.getPosixFilePermissions(data.resolve("lobby.key")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        try (var files = Files.list(data)) {
            assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("lobby.key");
        }
    }

    @Test
    void aSecretIsMadeOnceTellsWhenAndNeverSharesARoomsKeyFile() throws IOException {
        StreamKeyStore.Kept first = StreamKeyStore.in(dir).secret("webhook-secret");
        StreamKeyStore.Kept again = StreamKeyStore.in(dir).secret("webhook-secret");
        String roomKey = StreamKeyStore.in(dir).keyFor("webhook-secret");

        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.value()).isEqualTo(first.value()).matches("[A-Za-z0-9_-]{24}");
        assertThat(first.toString()).doesNotContain(first.value());
        assertThat(roomKey).as("a room of that name keeps its own key file").isNotEqualTo(first.value());
        assertThat(Files.getPosixFilePermissions(dir.resolve("webhook-secret")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> StreamKeyStore.in(dir).secret("../escape"));
    }

    @Test
    void differentRoomsAndDirectoriesGetDifferentKeys() throws IOException {
        Set<String> keys = new HashSet<>();
        keys.add(StreamKeyStore.in(dir.resolve("a")).keyFor("lobby"));
        keys.add(StreamKeyStore.in(dir.resolve("a")).keyFor("other"));
        keys.add(StreamKeyStore.in(dir.resolve("b")).keyFor("lobby"));
        assertThat(keys).hasSize(3);
    }

    @Test
    void keepsAKeyEditedByHand() throws IOException {
        Files.writeString(dir.resolve("lobby.key"), "my-own-key\n");
        assertThat(StreamKeyStore.in(dir).keyFor("lobby")).isEqualTo("my-own-key");
    }

    @Test
    void refusesAFileThatHoldsNoValidKey() throws IOException {
        Files.writeString(dir.resolve("lobby.key"), "\n");
        assertThatThrownBy(() -> StreamKeyStore.in(dir).keyFor("lobby"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("lobby.key does not hold a valid stream key");
    }
}
