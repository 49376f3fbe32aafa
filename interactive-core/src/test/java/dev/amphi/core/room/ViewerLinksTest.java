package dev.amphi.core.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ViewerLinksTest {

    private static final String SECRET = "c2VjcmV0LW9mLXRoZS1ib2FyZC1yb29tLTAxMjM0NTY3";

    private static String param(String query, String name) {
        for (String kv : query.split("&")) {
            if (kv.startsWith(name + "=")) {
                return kv.substring(name.length() + 1);
            }
        }
        return null;
    }

    @Test
    void aLinkOpensItsPrivateRoomUntilItExpiresOrTheSecretChanges() {
        Instant now = Instant.parse("2026-12-08T10:00:00Z");
        ViewerLinks links = new ViewerLinks(Clock.fixed(now, ZoneOffset.UTC));
        List<String> maps = new ArrayList<>();
        links.onChange(l -> maps.add(l.nginxMap()));
        assertThat(links.check("board", null, null)).as("a room that is not private needs nothing").isEmpty();
        assertThatThrownBy(() -> links.issue("board", Duration.ofHours(1))).isInstanceOf(IllegalStateException.class);

        links.protect("board", SECRET);
        String q = links.issue("board", Duration.ofHours(1));
        assertThat(param(q, "e")).isEqualTo(Long.toString(now.getEpochSecond() + 3600));
        // nginx's secure_link_md5 "$secure_link_expires/live/$amphi_room/ $amphi_room_secret", base64url without padding
        assertThat(param(q, "s")).isEqualTo(ViewerLinks.sign("board", param(q, "e"), SECRET)).hasSize(22);
        assertThat(links.check("board", param(q, "e"), param(q, "s"))).isEmpty();
        assertThat(links.check("board", null, null)).contains(ViewerLinks.Refusal.INVALID);
        assertThat(links.check("board", Long.toString(now.getEpochSecond() + 7200), param(q, "s")))
                .as("a later expiry than signed").contains(ViewerLinks.Refusal.INVALID);
        assertThat(links.check("other", param(q, "e"), param(q, "s"))).as("another room is not private").isEmpty();
        links.protect("other", SECRET.replace('c', 'd'));
        assertThat(links.check("other", param(q, "e"), param(q, "s"))).as("another room's link").contains(ViewerLinks.Refusal.INVALID);

        String past = Long.toString(now.getEpochSecond() - 1);
        assertThat(links.check("board", past, ViewerLinks.sign("board", past, SECRET))).contains(ViewerLinks.Refusal.EXPIRED);

        links.protect("board", SECRET.replace('c', 'x')); // rotated
        assertThat(links.check("board", param(q, "e"), param(q, "s"))).contains(ViewerLinks.Refusal.INVALID);
        assertThat(maps.get(maps.size() - 1)).contains("board " + SECRET.replace('c', 'x') + ";").contains("other ");
        links.unprotect("board");
        assertThat(links.isPrivate("board")).isFalse();
        assertThat(maps.get(maps.size() - 1)).doesNotContain("board ");
        assertThat(Optional.ofNullable(links.check("board", null, null).orElse(null))).isEmpty();
        assertThatThrownBy(() -> links.protect("x", "short")).isInstanceOf(IllegalArgumentException.class);
    }
}
