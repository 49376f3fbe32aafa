package dev.amphi.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.core.comments.CommentDraft;
import dev.amphi.core.comments.CommentWindows;
import dev.amphi.core.comments.DisplayMode;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommentJsonTest {

    @Test
    void aWindowIsItsSpanAndItsCommentsWithStringIdsAndProgramTimes() {
        long from = 1_765_108_802_000L;
        var c = new CommentWindows.Accepted(Long.MAX_VALUE - 1, "viewer", "Quiet Owl 7",
                new CommentDraft("</script><img src=x onerror=alert(1)> \"quoted\" 👨‍👩‍👧‍👦", DisplayMode.TOP, "#fe0302"),
                from + 1_250, from + 3_000);
        byte[] bytes = CommentJson.encode("hall", new CommentWindows.Window(42, from, from + 2_000, List.of(c),
                List.of(new CommentWindows.ReactionSecond(from + 1_000, java.util.Map.of("👏", 120, "❤️", 3))))).getBytes();

        JsonObject back = new JsonObject(new String(bytes, StandardCharsets.UTF_8));
        assertThat(back.getString("room")).isEqualTo("hall");
        assertThat(back.getLong("window")).isEqualTo(42);
        assertThat(back.getString("from")).isEqualTo("2025-12-07T12:00:02Z");
        assertThat(back.getString("to")).isEqualTo("2025-12-07T12:00:04Z");
        JsonObject only = back.getJsonArray("comments").getJsonObject(0);
        assertThat(only.getString("id")).as("a string: 2^63 does not fit a JavaScript number").isEqualTo(Long.toString(Long.MAX_VALUE - 1));
        assertThat(only.getLong("t")).isEqualTo(from + 1_250);
        assertThat(only.getString("text")).isEqualTo("</script><img src=x onerror=alert(1)> \"quoted\" 👨‍👩‍👧‍👦");
        assertThat(only.getString("mode")).isEqualTo("top");
        assertThat(only.getString("color")).isEqualTo("#fe0302");
        assertThat(only.getString("nick")).isEqualTo("Quiet Owl 7");
        assertThat(only.fieldNames()).as("nothing about the viewer but the nickname").doesNotContain("viewer");
        JsonObject second = back.getJsonArray("reactions").getJsonObject(0);
        assertThat(second.getLong("t")).isEqualTo(from + 1_000);
        assertThat(second.getJsonObject("counts").getMap()).containsOnly(java.util.Map.entry("👏", 120), java.util.Map.entry("❤️", 3));
    }
}
