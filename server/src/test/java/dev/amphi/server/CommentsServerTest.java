package dev.amphi.server;

import static dev.amphi.server.TestSupport.httpUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.amphi.core.store.CommentStore;
import dev.amphi.core.store.Database;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Viewers post comments to a running server; the comments are in its database after it stopped. */
class CommentsServerTest {

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();

    private JsonObject post(AmphiServer server, String path, String token, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(httpUrl(server, path)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("Authorization", "Viewer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(201);
        return new JsonObject(r.body());
    }

    private void postOne(AmphiServer server, String text) throws Exception {
        String token = post(server, "/api/rooms/lobby/viewer-token", null, "{}").getString("token");
        post(server, "/api/rooms/lobby/comments", token, new JsonObject().put("text", text).encode());
    }

    @Test
    void aPostedCommentIsInTheDataDirectorysDatabaseAfterTheServerStopped() throws Exception {
        try (AmphiServer server = TestSupport.start(dataDir)) {
            postOne(server, "first 👋");
        }
        try (AmphiServer server = TestSupport.start(dataDir)) { // a restart opens the same database
            postOne(server, "second");
        }
        try (Database db = Database.embedded(dataDir.resolve("amphi.db"))) {
            assertThat(new CommentStore(db).room("lobby")).extracting(c -> c.draft().text()).containsExactlyInAnyOrder("first 👋", "second");
        }
    }

    @Test
    void aViewersTokenStillWorksAfterARestart() throws Exception {
        String token;
        try (AmphiServer server = TestSupport.start(dataDir)) {
            token = post(server, "/api/rooms/lobby/viewer-token", null, "{}").getString("token");
        }
        try (AmphiServer server = TestSupport.start(dataDir)) {
            post(server, "/api/rooms/lobby/comments", token, "{\"text\":\"still me\"}");
        }
    }

    @Test
    void databaseUrlChoosesTheDatabase() throws Exception {
        Path other = dataDir.resolve("elsewhere/comments.db");
        java.nio.file.Files.createDirectories(other.getParent());
        try (AmphiServer server = TestSupport.start(dataDir, "--database-url", "jdbc:sqlite:" + other)) {
            postOne(server, "over there");
        }
        try (Database db = Database.embedded(other)) {
            assertThat(new CommentStore(db).room("lobby")).extracting(c -> c.draft().text()).containsExactly("over there");
        }
        assertThat(dataDir.resolve("amphi.db")).doesNotExist();
        assertThatThrownBy(() -> Main.parse(new String[] {"--database-url", "postgres://user:secret@db/amphi"}, Map.of(),
                new PrintStream(new ByteArrayOutputStream())))
                .hasMessageContaining("--database-url must be a JDBC URL").hasMessageNotContaining("secret");
    }

    @Test
    void aPostedCommentIsPublishedInItsWindowObjectBesideTheStreamAndRoomSettingsApply() throws Exception {
        try (AmphiServer server = TestSupport.start(dataDir, "--room", "quiet=quiet-stream-key-0123",
                "--room-setting", "quiet.comments=emoji,quiet.blocked-words=spoiler", "--blocked-words", "secret")) {
            String token = post(server, "/api/rooms/lobby/viewer-token", null, "{}").getString("token");
            JsonObject answer = post(server, "/api/rooms/lobby/comments", token, "{\"text\":\"hello room\"}");
            long k = answer.getLong("window");
            assertThat(k).as("windows of the segment duration, numbered from the epoch").isEqualTo(answer.getLong("t") / 2000);
            URI object = URI.create(httpUrl(server, "/live/lobby/comments/" + k + ".json"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(object).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
                assertThat(new JsonObject(r.body()).getJsonArray("comments").getJsonObject(0).getString("text")).isEqualTo("hello room");
            });
            JsonObject index = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(httpUrl(server, "/live/lobby/comments/index.json")))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(index.getLong("latest")).isGreaterThanOrEqualTo(k);

            String quiet = post(server, "/api/rooms/quiet/viewer-token", null, "{}").getString("token");
            assertThat(refusal(server, "quiet", quiet, "words")).isEqualTo("emoji-only");
            assertThat(refusal(server, "lobby", token, "a SECRET")).as("--blocked-words, every room without its own").isEqualTo("blocked-word");
            post(server, "/api/rooms/quiet/comments", quiet, "{\"text\":\"👏\"}");
        }
        assertThatThrownBy(() -> Main.parse(new String[] {"--room-setting", "lobby.comments=loud"}, Map.of(),
                new PrintStream(new ByteArrayOutputStream()))).hasMessageContaining("lobby.comments=loud")
                .hasMessageContaining("text, emoji or off");
    }

    @Test
    void anotherSitesPageCannotPostComments() throws Exception {
        try (AmphiServer server = TestSupport.start(dataDir)) {
            // what a browser asks before a cross-site POST with JSON and an Authorization header
            HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(httpUrl(server, "/api/rooms/lobby/comments")))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://elsewhere.example")
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "authorization, content-type").build(), HttpResponse.BodyHandlers.ofString());
            boolean allowed = preflight.statusCode() / 100 == 2
                    && preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST");
            assertThat(allowed).as("preflight %d, methods %s", preflight.statusCode(),
                    preflight.headers().firstValue("Access-Control-Allow-Methods")).isFalse();
            // and a form (the one cross-site POST without a preflight) is refused before anything is stored
            HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(httpUrl(server, "/api/rooms/lobby/comments")))
                    .header("Origin", "https://elsewhere.example").header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("text=spam")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(form.statusCode()).isBetween(400, 499);
        }
    }

    private String refusal(AmphiServer server, String room, String token, String text) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(httpUrl(server, "/api/rooms/" + room + "/comments")))
                .header("Content-Type", "application/json").header("Authorization", "Viewer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("text", text).encode())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isBetween(400, 499);
        return new JsonObject(r.body()).getString("rule");
    }
}
