package dev.amphi.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.core.comments.BlockedWords;
import dev.amphi.core.comments.CommentRooms;
import dev.amphi.core.comments.CommentSettings;
import dev.amphi.core.comments.CommentWindows;
import dev.amphi.core.comments.FloodControl;
import dev.amphi.core.comments.RoomCommentMode;
import dev.amphi.core.comments.ViewerTokens;
import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The posting routes over a real Vert.x server, with rooms whose store is a list. */
class CommentsApiTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private final RoomRegistry registry = RoomRegistry.of(List.of(Room.of("lobby", "secret-lobby-key-0123"),
            Room.of("quiet", "secret-quiet-key-0123"), Room.of("emoji", "secret-emoji-key-0123")));
    private final List<CommentWindows.Accepted> stored = new CopyOnWriteArrayList<>();
    private final AtomicBoolean storeFails = new AtomicBoolean();
    private final Map<String, Thread> storedOn = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private Vertx vertx;
    private ViewerTokens tokens;
    private int port;

    private final List<String> reactions = new CopyOnWriteArrayList<>();
    private final Set<String> muted = ConcurrentHashMap.newKeySet();

    private final CommentRooms rooms = new CommentRooms() {
        @Override
        public CommentSettings settings(String room) {
            RoomCommentMode mode = switch (room) {
                case "quiet" -> RoomCommentMode.OFF;
                case "emoji" -> RoomCommentMode.EMOJI;
                default -> RoomCommentMode.TEXT;
            };
            return new CommentSettings(mode, Duration.ZERO, false);
        }

        @Override
        public boolean muted(String room, String viewer) {
            return muted.contains(viewer);
        }

        @Override
        public void react(String room, String reaction, long at) {
            reactions.add(room + " " + reaction + " " + at);
        }

        @Override
        public BlockedWords blocked(String room) {
            return BlockedWords.of(List.of("spoiler"));
        }

        @Override
        public long accept(String room, CommentWindows.Accepted c) throws Exception {
            if (storeFails.get()) {
                throw new java.sql.SQLException("disk full");
            }
            storedOn.put(Long.toString(c.id()), Thread.currentThread());
            stored.add(c);
            return 7;
        }
    };

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        Router router = Router.router(vertx);
        tokens = ViewerTokens.withKey(ViewerTokens.newKey(), Duration.ofHours(24), clock);
        new CommentsApi(vertx, registry, rooms, tokens,
                new FloodControl(FloodControl.Limits.defaults(), System::nanoTime), CommentsApi.Limits.defaults(), clock).mount(router);
        port = TestHttp.listen(vertx, router);
    }

    @AfterEach
    void stop() throws Exception {
        TestHttp.close(vertx);
    }

    private HttpResponse<String> post(String path, String token, String contentType, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Viewer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String token(String room) throws Exception {
        HttpResponse<String> r = post("/api/rooms/" + room + "/viewer-token", null, null, "");
        assertThat(r.statusCode()).isEqualTo(201);
        return new JsonObject(r.body()).getString("token");
    }

    private HttpResponse<String> comment(String room, String token, String json) throws Exception {
        return post("/api/rooms/" + room + "/comments", token, "application/json", json);
    }

    private static String rule(HttpResponse<String> r) {
        return new JsonObject(r.body()).getString("rule");
    }

    @Test
    void aViewerGetsATokenAndPostsAStoredCommentAtItsPlayheadTime() throws Exception {
        HttpResponse<String> t = post("/api/rooms/lobby/viewer-token", null, null, "");
        JsonObject issued = new JsonObject(t.body());
        assertThat(issued.getString("nickname")).isNotBlank();

        long at = NOW.toEpochMilli() - 8_000; // a playhead 8 s behind live
        HttpResponse<String> r = comment("lobby", issued.getString("token"),
                new JsonObject().put("text", " great\ttalk ").put("mode", "top").put("color", "#FF7204").put("at", at).encode());
        assertThat(r.statusCode()).isEqualTo(201);
        JsonObject answer = new JsonObject(r.body());
        assertThat(answer.getLong("t")).isEqualTo(at);
        assertThat(answer.getLong("window")).isEqualTo(7);
        assertThat(stored).singleElement().satisfies(c -> {
            assertThat(Long.toString(c.id())).isEqualTo(answer.getString("id"));
            assertThat(c.draft().text()).isEqualTo("great talk");
            assertThat(c.draft().color()).isEqualTo("#ff7204");
            assertThat(c.nickname()).isEqualTo(issued.getString("nickname"));
            assertThat(c.at()).isEqualTo(at);
            assertThat(storedOn.get(answer.getString("id")).getName()).as("stored off the event loop").doesNotContain("eventloop");
        });
    }

    @Test
    void aPlayheadTimeIsClampedToTheLastMinuteAndNeverTheFuture() throws Exception {
        String token = token("lobby");
        assertThat(new JsonObject(comment("lobby", token, "{\"text\":\"old\",\"at\":1000}").body()).getLong("t"))
                .isEqualTo(NOW.toEpochMilli() - 60_000);
        assertThat(new JsonObject(comment("lobby", token, "{\"text\":\"future\",\"at\":" + (NOW.toEpochMilli() + 5_000) + "}").body())
                .getLong("t")).isEqualTo(NOW.toEpochMilli());
        assertThat(new JsonObject(comment("lobby", token, "{\"text\":\"now\"}").body()).getLong("t")).isEqualTo(NOW.toEpochMilli());
    }

    @Test
    void eachRefusalIsA4xxNamingItsRuleAndStoresNothing() throws Exception {
        String token = token("lobby");
        assertThat(comment("lobby", null, "{\"text\":\"hi\"}").statusCode()).isEqualTo(401);
        HttpResponse<String> forged = comment("lobby", token + "x", "{\"text\":\"hi\"}");
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(rule(forged)).isEqualTo("token");
        HttpResponse<String> form = post("/api/rooms/lobby/comments", token, "application/x-www-form-urlencoded", "text=hi");
        assertThat(form.statusCode()).as("a cross-site form cannot post").isEqualTo(415);
        assertThat(rule(comment("lobby", token, "not json"))).isEqualTo("json");
        assertThat(rule(comment("lobby", token, "[1,2]"))).isEqualTo("json");
        assertThat(rule(comment("lobby", token, "{\"text\":5}"))).isEqualTo("json");
        assertThat(rule(comment("lobby", token, "{\"text\":\"" + "a".repeat(101) + "\"}"))).isEqualTo("text-too-long");
        assertThat(rule(comment("lobby", token, "{\"text\":\"no spoilers\"}"))).isEqualTo("blocked-word");
        assertThat(rule(comment("lobby", token, "{\"text\":\"hi\",\"color\":\"#000000\"}"))).isEqualTo("color");
        assertThat(rule(comment("lobby", token, "{\"text\":\"hi\",\"at\":\"yesterday\"}"))).isEqualTo("at");
        HttpResponse<String> big = comment("lobby", token, "{\"text\":\"" + "a".repeat(9_000) + "\"}");
        assertThat(big.statusCode()).isEqualTo(413);
        HttpResponse<String> off = comment("quiet", token, "{\"text\":\"hi\"}");
        assertThat(off.statusCode()).isEqualTo(403);
        assertThat(rule(off)).isEqualTo("comments-off");
        assertThat(rule(comment("emoji", token, "{\"text\":\"hi 👏\"}"))).isEqualTo("emoji-only");
        assertThat(comment("nowhere", token, "{\"text\":\"hi\"}").statusCode()).isEqualTo(404);
        assertThat(stored).isEmpty();
        assertThat(comment("emoji", token, "{\"text\":\"👏 👏\"}").statusCode()).isEqualTo(201);
    }

    @Test
    void aReactionIsCountedAtItsPlayheadTimeAndOnlyFromTheSet() throws Exception {
        String token = token("lobby");
        long at = NOW.toEpochMilli() - 5_000;
        HttpResponse<String> r = post("/api/rooms/lobby/reactions", token, "application/json",
                new JsonObject().put("emoji", "❤").put("at", at).encode());
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(reactions).containsExactly("lobby ❤️ " + at);
        HttpResponse<String> other = post("/api/rooms/lobby/reactions", token, "application/json", "{\"emoji\":\"💩\"}");
        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(rule(other)).isEqualTo("reaction");
        assertThat(post("/api/rooms/lobby/reactions", null, "application/json", "{\"emoji\":\"👏\"}").statusCode()).isEqualTo(401);
        assertThat(rule(post("/api/rooms/quiet/reactions", token, "application/json", "{\"emoji\":\"👏\"}"))).isEqualTo("comments-off");
        HttpResponse<String> flooded = null;
        int counted = 1;
        for (int i = 0; i < 200 && flooded == null; i++) { // a viewer tapping as fast as it can
            HttpResponse<String> tap = post("/api/rooms/lobby/reactions", token, "application/json", "{\"emoji\":\"👏\"}");
            if (tap.statusCode() == 429) {
                flooded = tap;
            } else {
                assertThat(tap.statusCode()).isEqualTo(202);
                counted++;
            }
        }
        assertThat(flooded).as("a tapping viewer is slowed down").isNotNull();
        assertThat(flooded.headers().firstValue("Retry-After")).isPresent();
        assertThat(rule(flooded)).isEqualTo("viewer-rate");
        assertThat(counted).as("a burst of 20 is let through").isGreaterThanOrEqualTo(20);
        assertThat(reactions).as("only the ones let through are counted").hasSize(counted);
    }

    @Test
    void aMutedViewerIsRefusedAndNothingIsStored() throws Exception {
        String token = token("lobby");
        ViewerTokens.Viewer v = tokens.verify(token).orElseThrow();
        muted.add(v.id());
        HttpResponse<String> r = comment("lobby", token, "{\"text\":\"hi\"}");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(rule(r)).isEqualTo("muted");
        assertThat(stored).isEmpty();
        assertThat(comment("lobby", token("lobby"), "{\"text\":\"hi\"}").statusCode()).as("another viewer").isEqualTo(201);
    }

    @Test
    void aFloodGets429WithRetryAfterAndAFailedStoreA503() throws Exception {
        String token = token("lobby");
        for (int i = 0; i < 3; i++) {
            assertThat(comment("lobby", token, "{\"text\":\"burst " + i + "\"}").statusCode()).isEqualTo(201);
        }
        HttpResponse<String> flooded = comment("lobby", token, "{\"text\":\"one more\"}");
        assertThat(flooded.statusCode()).isEqualTo(429);
        assertThat(rule(flooded)).isEqualTo("viewer-rate");
        assertThat(flooded.headers().firstValue("Retry-After")).contains("2");
        assertThat(stored).hasSize(3);

        storeFails.set(true);
        HttpResponse<String> failed = comment("lobby", token("lobby"), "{\"text\":\"lost?\"}");
        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(rule(failed)).isEqualTo("store");
        assertThat(stored).hasSize(3);
    }
}
