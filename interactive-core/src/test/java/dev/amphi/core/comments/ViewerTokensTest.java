package dev.amphi.core.comments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ViewerTokensTest {

    private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");
    private final byte[] key = ViewerTokens.newKey();

    private ViewerTokens at(Instant now) {
        return ViewerTokens.withKey(key, Duration.ofHours(24), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aTokenNamesTheSameViewerAndNicknameEveryTime() {
        String token = at(T0).issue();
        var viewer = at(T0.plusSeconds(3600)).verify(token).orElseThrow();
        assertThat(at(T0.plusSeconds(7200)).verify(token)).contains(viewer);
        assertThat(viewer.issued()).isEqualTo(T0);
        assertThat(viewer.nickname()).matches("[A-Z][a-z]+ [A-Z][a-z]+ \\d{1,2}");
        assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+").hasSizeLessThan(100);
    }

    @Test
    void viewersAreDistinct() {
        ViewerTokens tokens = at(T0);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(tokens.verify(tokens.issue()).orElseThrow().id());
        }
        assertThat(ids).hasSize(1000);
    }

    @Test
    void refusesExpiredForgedTamperedAndMalformedTokens() {
        String token = at(T0).issue();
        assertThat(at(T0.plus(Duration.ofHours(24))).verify(token)).as("expired").isEmpty();
        assertThat(at(T0.minusSeconds(3600)).verify(token)).as("issued in the future").isEmpty();
        assertThat(ViewerTokens.withKey(ViewerTokens.newKey(), Duration.ofHours(24), Clock.fixed(T0, ZoneOffset.UTC))
                .verify(token)).as("another key").isEmpty();

        String[] parts = token.split("\\.");
        byte[] payload = Base64.getUrlDecoder().decode(parts[0]);
        payload[5] ^= 1; // another viewer id, same signature
        String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(payload) + "." + parts[1];
        assertThat(at(T0).verify(tampered)).as("tampered").isEmpty();

        for (String bad : new String[] {null, "", ".", "abc", parts[0], parts[0] + ".", "." + parts[1], token + ".x",
            "!!!." + parts[1], token + "A".repeat(200)}) {
            assertThat(at(T0).verify(bad)).as("malformed %s", bad).isEmpty();
        }
    }

    @Test
    void aShortKeyIsRefused() {
        assertThatThrownBy(() -> ViewerTokens.withKey(new byte[16], Duration.ofHours(1), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
    }
}
