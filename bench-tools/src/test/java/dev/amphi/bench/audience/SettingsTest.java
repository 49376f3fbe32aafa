package dev.amphi.bench.audience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The audience client's arguments: defaults, and a clear refusal of what it cannot use. */
class SettingsTest {

    private static final String[] BASE = {"--mode", "pull", "--origin", "http://127.0.0.1:8080", "--metrics",
            "http://127.0.0.1:9100/metrics", "--room", "hall"};

    private static String[] with(String... more) {
        String[] all = new String[BASE.length + more.length];
        System.arraycopy(BASE, 0, all, 0, BASE.length);
        System.arraycopy(more, 0, all, BASE.length, more.length);
        return all;
    }

    @Test
    void fillsInTheDefaultsAndTheEdgeFromTheOrigin() {
        Settings s = Settings.parse(with("--viewers", "5000"));
        assertThat(s.viewers()).isEqualTo(5000);
        assertThat(s.edge()).isEqualTo(s.origin());
        assertThat(s.postRate()).isEqualTo(200.0);
        assertThat(s.checkEvery()).isEqualTo(20);
    }

    @Test
    void refusesUnknownOptionsBadModesAndMissingValues() {
        assertThatThrownBy(() -> Settings.parse(with("--viewer", "10"))).hasMessageContaining("unknown options [viewer]");
        assertThatThrownBy(() -> Settings.parse(with("--mode", "poll"))).hasMessageContaining("--mode must be pull or push");
        assertThatThrownBy(() -> Settings.parse(with("--viewers", "many"))).hasMessageContaining("--viewers must be a whole number");
        assertThatThrownBy(() -> Settings.parse(with("--viewers"))).hasMessageContaining("expected --name value pairs");
        assertThatThrownBy(() -> Settings.parse(new String[] {"--mode", "push"})).hasMessageContaining("--origin is required");
        assertThatThrownBy(() -> Settings.parse(with("--post-addresses", "300"))).hasMessageContaining("out of range");
    }
}
