package dev.amphi.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {

    @TempDir
    Path dir;

    @Test
    void aSecretIsMadeOnceAndKeptAcrossRestarts() throws Exception {
        byte[] first;
        try (Database db = Database.embedded(dir.resolve("amphi.db"))) {
            first = new Secrets(db).get("viewer-token-key", 32);
            assertThat(first).hasSize(32);
            assertThat(new Secrets(db).get("viewer-token-key", 32)).isEqualTo(first);
            assertThat(new Secrets(db).get("another", 32)).isNotEqualTo(first);
        }
        try (Database db = Database.embedded(dir.resolve("amphi.db"))) {
            assertThat(new Secrets(db).get("viewer-token-key", 32)).as("after a restart").isEqualTo(first);
        }
    }
}
