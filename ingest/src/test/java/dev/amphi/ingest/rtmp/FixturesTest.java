package dev.amphi.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.ingest.rtmp.testing.Fixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FixturesTest {

    @Test
    void committedFixturesEqualWhatTheirGeneratorWrites() {
        for (Map.Entry<String, byte[]> e : Fixtures.all().entrySet()) {
            assertThat(Fixtures.load(e.getKey())).as(e.getKey() + " (regenerate with Fixtures.main)").isEqualTo(e.getValue());
        }
    }
}
