package dev.amphi.server;

import static dev.amphi.server.TestSupport.httpUrl;
import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.core.store.PostgresCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers ("nodes") with one PostgreSQL ({@code --database-url jdbc:postgresql://…}, the
 * credentials in the URL): a viewer's token from one node posts on the other, and either node's host
 * export holds the comments posted on both.
 */
class PostgresNodesTest {

    private static final String KEY = "nodes-test-lobby-key-0123";

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> post(AmphiServer node, String path, String token, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(httpUrl(node, path)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("Authorization", "Viewer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void twoNodesShareTokensAndCommentsThroughPostgres() throws Exception {
        try (PostgresCluster postgres = PostgresCluster.start()) {
            String url = postgres.newDatabase();
            try (AmphiServer a = TestSupport.start(dirA, "--database-url", url, "--lobby-key", KEY);
                 AmphiServer b = TestSupport.start(dirB, "--database-url", url, "--lobby-key", KEY)) {
                String token = new JsonObject(post(a, "/api/rooms/lobby/viewer-token", null, "{}").body()).getString("token");
                HttpResponse<String> onA = post(a, "/api/rooms/lobby/comments", token, "{\"text\":\"posted on a\"}");
                HttpResponse<String> onB = post(b, "/api/rooms/lobby/comments", token, "{\"text\":\"posted on b with a's token\"}");
                assertThat(onA.statusCode()).as(onA.body()).isEqualTo(201);
                assertThat(onB.statusCode()).as(onB.body()).isEqualTo(201);
                HttpResponse<String> export = http.send(HttpRequest.newBuilder(URI.create(httpUrl(b, "/api/rooms/lobby/comments?format=json")))
                        .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(export.statusCode()).isEqualTo(200);
                assertThat(new JsonArray(export.body())).extracting(c -> ((JsonObject) c).getString("text"))
                        .containsExactlyInAnyOrder("posted on a", "posted on b with a's token");
            }
            assertThat(dirA.resolve("amphi.db")).as("no embedded database beside PostgreSQL").doesNotExist();
        }
    }
}
