package dev.amphi.server;

import static dev.amphi.server.TestSupport.httpUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
