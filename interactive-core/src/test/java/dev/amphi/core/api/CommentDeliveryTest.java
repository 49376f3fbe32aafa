package dev.amphi.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.amphi.core.comments.BlockedWords;
import dev.amphi.core.comments.CommentHub;
import dev.amphi.core.comments.CommentSettings;
import dev.amphi.core.comments.FloodControl;
import dev.amphi.core.comments.ViewerTokens;
import dev.amphi.core.room.ProgramControl;
import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import dev.amphi.core.store.CommentStore;
import dev.amphi.core.store.Database;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Comments from a viewer's POST to the objects other viewers GET, over a real Vert.x server and an
 * SQLite store: windows published once after their end, immutable and cacheable; moderation
 * (delete before and after publishing, hold and approve, mute, settings) with the room's key; the
 * room's event stream for hosts. The clock is driven by the test, publishing is called directly.
 */
class CommentDeliveryTest {

    private static final long START = Instant.parse("2026-12-07T12:00:00.300Z").toEpochMilli();
    private static final String KEY = "secret-hall-key-0123";
    private final RoomRegistry registry = RoomRegistry.of(List.of(Room.of("hall", KEY), Room.of("lobby", "secret-lobby-key-0123")));
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicLong now = new AtomicLong(START);
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public long millis() {
            return now.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };
    @TempDir
    Path dir;
    private Database db;
    private CommentHub hub;
    private CommentFeed feed;
    private Vertx vertx;
    private int port;

    @BeforeEach
    void start() throws Exception {
        db = Database.embedded(dir.resolve("amphi.db"));
        vertx = Vertx.vertx();
        startHub();
    }

    private void startHub() throws Exception {
        hub = new CommentHub(new CommentStore(db), room -> CommentSettings.defaults(), room -> BlockedWords.none(),
                Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofMinutes(10), clock);
        ProgramApi programApi = ProgramApi.of(registry, ProgramControl.passthroughOnly(), ProgramApi.Limits.defaults());
        hub.listen(programApi.commentEvents());
        feed = new CommentFeed(vertx, registry, hub, Duration.ofMinutes(10), Duration.ofMillis(100));
        Router router = Router.router(vertx);
        feed.mount(router);
        new CommentsApi(vertx, registry, hub, ViewerTokens.withKey(new byte[32], Duration.ofHours(24), clock),
                new FloodControl(FloodControl.Limits.defaults(), System::nanoTime), CommentsApi.Limits.defaults(), clock).mount(router);
        new CommentModerationApi(vertx, registry, hub).mount(router);
        programApi.mount(router);
        port = TestHttp.listen(vertx, router);
    }

    @AfterEach
    void stop() throws Exception {
        TestHttp.close(vertx);
        db.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private HttpResponse<String> send(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null, null);
    }

    private String token() throws Exception {
        return new JsonObject(send("POST", "/api/rooms/hall/viewer-token", null, null).body()).getString("token");
    }

    private JsonObject post(String token, String text, long at) throws Exception {
        HttpResponse<String> r = send("POST", "/api/rooms/hall/comments", "Viewer " + token,
                new JsonObject().put("text", text).put("at", at).encode());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return new JsonObject(r.body());
    }

    /** Moves the clock to {@code t} and publishes what is due, as the timer would. */
    private void at(long t) {
        now.set(t);
        feed.publish();
    }

    private static long window(long t) {
        return Math.floorDiv(t, 2000);
    }

    private JsonObject windowObject(long k) throws Exception {
        HttpResponse<String> r = get("/live/hall/comments/" + k + ".json");
        assertThat(r.statusCode()).as("window %d: %s", k, r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    private static List<String> texts(JsonObject window) {
        return window.getJsonArray("comments").stream().map(o -> ((JsonObject) o).getString("text")).toList();
    }

    @Test
    void aCommentIsInTheImmutableObjectOfItsWindowOncePublishedAndTheIndexSaysWhichAreOut() throws Exception {
        String token = token();
        at(START + 1_000);
        long t = START + 700; // the playhead, just behind live, in the window open now
        JsonObject answer = post(token, "<img src=x onerror=alert(1)> hello", t);
        long k = window(t);
        assertThat(answer.getLong("window")).isEqualTo(k);

        HttpResponse<String> early = get("/live/hall/comments/" + k + ".json");
        assertThat(early.statusCode()).as("not published before its end and the hold").isEqualTo(404);
        assertThat(early.headers().firstValue("Cache-Control")).hasValue("public, max-age=1");
        JsonObject index = new JsonObject(get("/live/hall/comments/index.json").body());
        assertThat(index.getLong("length")).isEqualTo(2000);
        assertThat(index.getValue("latest")).isNull();

        at((k + 1) * 2000 + 499);
        assertThat(get("/live/hall/comments/" + k + ".json").statusCode()).as("the hold is 500 ms").isEqualTo(404);
        at((k + 1) * 2000 + 500);
        HttpResponse<String> out = get("/live/hall/comments/" + k + ".json");
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(out.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonObject w = new JsonObject(out.body());
        assertThat(texts(w)).containsExactly("<img src=x onerror=alert(1)> hello");
        assertThat(w.getJsonArray("comments").getJsonObject(0).getString("id")).isEqualTo(answer.getString("id"));
        assertThat(w.getJsonArray("comments").getJsonObject(0).getLong("t")).isEqualTo(t);
        index = new JsonObject(get("/live/hall/comments/index.json").body());
        assertThat(index.getLong("latest")).isEqualTo(k);
        assertThat(get("/live/hall/comments/index.json").headers().firstValue("Cache-Control")).hasValue("public, max-age=1");

        // later windows come out empty, one after the other; an object never changes
        at((k + 4) * 2000 + 500);
        assertThat(new JsonObject(get("/live/hall/comments/index.json").body()).getLong("latest")).isEqualTo(k + 3);
        for (long j = k + 1; j <= k + 3; j++) {
            assertThat(texts(windowObject(j))).isEmpty();
        }
        assertThat(windowObject(k)).isEqualTo(w);
        HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(url("/live/hall/comments/" + k + ".json")))
                .header("If-None-Match", out.headers().firstValue("ETag").orElseThrow()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(get("/live/hall/comments/x.json").statusCode()).isEqualTo(404);
        assertThat(get("/live/nowhere/comments/index.json").statusCode()).isEqualTo(404);
    }

    @Test
    void aLateCommentGoesOutInTheWindowOpenAtItsArrivalWithItsTimeAndReactionsArriveCounted() throws Exception {
        String token = token();
        long t = START + 100;
        at(START + 6_000); // windows up to the one before now are out: t's window is published
        JsonObject answer = post(token, "late", t);
        long open = window(START + 6_000);
        assertThat(answer.getLong("window")).isEqualTo(open);
        for (int i = 0; i < 3; i++) {
            assertThat(send("POST", "/api/rooms/hall/reactions", "Viewer " + token,
                    new JsonObject().put("emoji", "👏").put("at", START + 5_900).encode()).statusCode()).isEqualTo(202);
        }
        at((open + 1) * 2000 + 500);
        JsonObject w = windowObject(open);
        assertThat(w.getJsonArray("comments").getJsonObject(0).getLong("t")).as("keeps its time").isEqualTo(t);
        JsonArray reactions = w.getJsonArray("reactions");
        assertThat(reactions.getJsonObject(0).getLong("t")).isEqualTo(Math.floorDiv(START + 5_900, 1000) * 1000);
        assertThat(reactions.getJsonObject(0).getJsonObject("counts").getInteger("👏")).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(new CommentStore(db).reactions("hall"))
                .as("counts kept (on a worker), not each tap").singleElement().satisfies(r -> assertThat(r.counts()).containsEntry("👏", 3)));
    }

    @Test
    void aDeletedCommentIsInNoLaterObjectAndIsListedAsRemovedOnceOut() throws Exception {
        String token = token();
        at(START + 1_000);
        JsonObject before = post(token, "deleted before its window is out", START + 200);
        JsonObject after = post(token, "deleted after", START + 300);
        long k = window(START + 200);
        assertThat(send("DELETE", "/api/rooms/hall/comments/" + before.getString("id"), null, null).statusCode()).isEqualTo(401);
        assertThat(send("DELETE", "/api/rooms/hall/comments/" + before.getString("id"), "Bearer secret-lobby-key-0123", null)
                .statusCode()).as("another room's key").isEqualTo(401);
        assertThat(send("DELETE", "/api/rooms/hall/comments/" + before.getString("id"), "Bearer " + KEY, null).statusCode()).isEqualTo(204);
        at((k + 1) * 2000 + 500);
        assertThat(texts(windowObject(k))).containsExactly("deleted after");
        assertThat(send("DELETE", "/api/rooms/hall/comments/" + after.getString("id"), "Bearer " + KEY, null).statusCode()).isEqualTo(204);
        assertThat(send("DELETE", "/api/rooms/hall/comments/" + after.getString("id"), "Bearer " + KEY, null).statusCode()).isEqualTo(404);
        assertThat(send("DELETE", "/api/rooms/hall/comments/12345", "Bearer " + KEY, null).statusCode()).isEqualTo(404);
        at((k + 2) * 2000 + 500);
        JsonObject index = new JsonObject(get("/live/hall/comments/index.json").body());
        assertThat(index.getJsonArray("removed").getList()).contains(before.getString("id"), after.getString("id"));
        assertThat(texts(windowObject(k))).as("published objects never change").containsExactly("deleted after");
        assertThat(new CommentStore(db).room("hall")).as("both marked deleted in the database").isEmpty();
    }

    @Test
    void heldCommentsWaitForApprovalAndHostsSeeThemOnTheEventStream() throws Exception {
        String token = token();
        try (SseClient host = new SseClient(url("/api/rooms/hall/events"), "Bearer " + KEY);
             SseClient viewer = new SseClient(url("/api/rooms/hall/events"))) {
            host.next("program", Duration.ofSeconds(5));
            viewer.next("program", Duration.ofSeconds(5));
            HttpResponse<String> set = send("PUT", "/api/rooms/hall/comment-settings", "Bearer " + KEY, "{\"hold\":true}");
            assertThat(new JsonObject(set.body()).getBoolean("hold")).isTrue();
            assertThat(new JsonObject(host.next("comment-settings", Duration.ofSeconds(5)).data()).getBoolean("hold")).isTrue();

            at(START + 1_000);
            JsonObject held = post(token, "needs a look", START + 400);
            assertThat(held.getBoolean("held")).isTrue();
            JsonObject seen = new JsonObject(host.next("comment", Duration.ofSeconds(5)).data());
            assertThat(seen.getString("id")).isEqualTo(held.getString("id"));
            assertThat(seen.getBoolean("held")).isTrue();
            assertThat(seen.getString("viewer")).as("hosts get the viewer's id, to mute").isNotBlank();
            JsonArray waiting = new JsonArray(send("GET", "/api/rooms/hall/comments/held", "Bearer " + KEY, null).body());
            assertThat(waiting.getJsonObject(0).getString("text")).isEqualTo("needs a look");

            long k = window(START + 400);
            at((k + 1) * 2000 + 500);
            assertThat(texts(windowObject(k))).as("held: not shown").isEmpty();
            assertThat(send("POST", "/api/rooms/hall/comments/" + held.getString("id") + "/approve", "Bearer " + KEY, null)
                    .statusCode()).isEqualTo(204);
            JsonObject released = new JsonObject(viewer.next("comment", Duration.ofSeconds(5)).data());
            assertThat(released.getString("text")).as("viewers' streams get it once approved").isEqualTo("needs a look");
            assertThat(released.fieldNames()).doesNotContain("viewer");
            at((k + 2) * 2000 + 500);
            JsonObject out = windowObject(k + 1);
            assertThat(texts(out)).containsExactly("needs a look");
            assertThat(out.getJsonArray("comments").getJsonObject(0).getLong("t")).isEqualTo(START + 400);
            assertThat(send("POST", "/api/rooms/hall/comments/" + held.getString("id") + "/approve", "Bearer " + KEY, null)
                    .statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aMutedViewerIsRefusedAcrossARestartAndSettingsAreChecked() throws Exception {
        String token = token();
        String viewer = new JsonObject(send("POST", "/api/rooms/hall/comments", "Viewer " + token, "{\"text\":\"hi\"}").body())
                .getString("id");
        assertThat(viewer).isNotNull();
        String viewerId = ViewerTokens.withKey(new byte[32], Duration.ofHours(24), clock).verify(token).orElseThrow().id();
        assertThat(send("PUT", "/api/rooms/hall/viewers/" + viewerId + "/muted", "Bearer " + KEY, null).statusCode()).isEqualTo(204);
        HttpResponse<String> refused = send("POST", "/api/rooms/hall/comments", "Viewer " + token, "{\"text\":\"again\"}");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(refused.body()).getString("rule")).isEqualTo("muted");

        TestHttp.close(vertx);
        vertx = Vertx.vertx();
        startHub(); // a restart: the mute is in the database
        assertThat(send("POST", "/api/rooms/hall/comments", "Viewer " + token, "{\"text\":\"again\"}").statusCode()).isEqualTo(403);
        assertThat(send("DELETE", "/api/rooms/hall/viewers/" + viewerId + "/muted", "Bearer " + KEY, null).statusCode()).isEqualTo(204);
        assertThat(send("POST", "/api/rooms/hall/comments", "Viewer " + token, "{\"text\":\"again\"}").statusCode()).isEqualTo(201);

        assertThat(send("PUT", "/api/rooms/hall/comment-settings", "Bearer " + KEY, "{\"mode\":\"loud\"}").statusCode()).isEqualTo(400);
        assertThat(send("PUT", "/api/rooms/hall/comment-settings", "Bearer " + KEY, "{\"slowMode\":-1}").statusCode()).isEqualTo(400);
        assertThat(send("PUT", "/api/rooms/hall/comment-settings", "Bearer " + KEY, "{\"colour\":1}").statusCode()).isEqualTo(400);
        assertThat(send("PUT", "/api/rooms/hall/comment-settings", null, "{\"mode\":\"off\"}").statusCode()).isEqualTo(401);
        assertThat(send("PUT", "/api/rooms/hall/comment-settings", "Bearer " + KEY, "{\"mode\":\"emoji\",\"slowMode\":30}").statusCode())
                .isEqualTo(200);
        assertThat(new JsonObject(send("GET", "/api/rooms/hall/comment-settings", "Bearer " + KEY, null).body()).getLong("slowMode"))
                .isEqualTo(30);
        JsonObject index = new JsonObject(get("/live/hall/comments/index.json").body());
        at(now.get() + 200); // the index is refreshed with the next publishing tick
        index = new JsonObject(get("/live/hall/comments/index.json").body());
        assertThat(index.getString("mode")).isEqualTo("emoji");
        assertThat(index.getLong("slowMode")).isEqualTo(30);
        HttpResponse<String> text = send("POST", "/api/rooms/hall/comments", "Viewer " + token(), "{\"text\":\"words\"}");
        assertThat(new JsonObject(text.body()).getString("rule")).isEqualTo("emoji-only");
        String slow = token();
        assertThat(send("POST", "/api/rooms/hall/comments", "Viewer " + slow, "{\"text\":\"👏\"}").statusCode()).isEqualTo(201);
        HttpResponse<String> second = send("POST", "/api/rooms/hall/comments", "Viewer " + slow, "{\"text\":\"👏\"}");
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(new JsonObject(second.body()).getString("rule")).isEqualTo("slow-mode");
    }
}
