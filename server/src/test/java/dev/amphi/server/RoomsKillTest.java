package dev.amphi.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server in a JVM of its own makes rooms through the API, changes one, takes a
 * moderator's comment settings, a speaker's credentials, a host's ban and a private room's rotated
 * secret, is killed with SIGKILL right after the last answer, and after a restart on the same data
 * directory every acknowledged room, change, setting, credential, ban and secret is there, the keys
 * and the newer viewer link working, the older link refused.
 */
class RoomsKillTest {

    private static final String ADMIN = "kill-test-admin-token-0123";

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(int port, String method, String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + ADMIN)
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void killMinusNineLosesNoAcknowledgedRoomOrChange() throws Exception {
        TestSupport.ServerProcess spawned = TestSupport.spawn(dataDir, "--admin-token", ADMIN);
        Process server = spawned.process();
        CompletableFuture<Integer> port = spawned.httpPort();
        List<JsonObject> made = new ArrayList<>();
        JsonObject person = null;
        String oldLink = null;
        String newLink = null;
        try {
            int httpPort = port.get(120, TimeUnit.SECONDS);
            for (int i = 1; i <= 5; i++) {
                HttpResponse<String> r = send(httpPort, "POST", "/api/rooms", "{\"name\":\"seminar-" + i + "\",\"title\":\"Seminar " + i + "\"}");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                made.add(new JsonObject(r.body()));
            }
            HttpResponse<String> changed = send(httpPort, "PATCH", "/api/rooms/seminar-5", "{\"title\":\"Seminar five\",\"visibility\":\"private\"}");
            assertThat(changed.statusCode()).isEqualTo(200);
            // a private room's viewer link, then its secret rotated and a new link
            oldLink = new JsonObject(send(httpPort, "POST", "/api/rooms/seminar-5/viewer-links", null).body()).getString("query");
            assertThat(send(httpPort, "POST", "/api/rooms/seminar-5/viewer-secret", null).statusCode()).isEqualTo(200);
            newLink = new JsonObject(send(httpPort, "POST", "/api/rooms/seminar-5/viewer-links", null).body()).getString("query");
            // a moderator's comment settings (the room's key), and a speaker's own credentials
            HttpResponse<String> settings = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                            + "/api/rooms/seminar-1/comment-settings")).header("Authorization", "Bearer " + made.get(0).getString("streamKey"))
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"mode\":\"emoji\",\"hold\":true}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(settings.statusCode()).as(settings.body()).isEqualTo(200);
            HttpResponse<String> speaker = send(httpPort, "POST", "/api/rooms/seminar-2/speakers", "{\"displayName\":\"Ada Lovelace\"}");
            assertThat(speaker.statusCode()).isEqualTo(201);
            person = new JsonObject(speaker.body());
            HttpResponse<String> ban = send(httpPort, "POST", "/api/rooms/seminar-3/bans", "{\"speaker\":\"Mallory\"}");
            assertThat(ban.statusCode()).as(ban.body()).isEqualTo(201);
            server.destroyForcibly(); // SIGKILL, right after the last answer
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        } catch (Exception | AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nthe server's output:\n" + spawned.printed(), e);
        } finally {
            server.destroyForcibly();
        }

        try (AmphiServer restarted = TestSupport.start(dataDir, "--admin-token", ADMIN)) {
            for (JsonObject m : made) {
                HttpResponse<String> r = send(restarted.httpPort(), "GET", "/api/rooms/" + m.getString("name"), null);
                assertThat(r.statusCode()).as(m.getString("name")).isEqualTo(200);
                assertThat(new JsonObject(r.body()).getString("streamKey")).isEqualTo(m.getString("streamKey"));
                assertThat(restarted.rooms().byStreamKey(m.getString("streamKey"))).isPresent();
            }
            JsonObject five = new JsonObject(send(restarted.httpPort(), "GET", "/api/rooms/seminar-5", null).body());
            assertThat(five.getString("title")).isEqualTo("Seminar five");
            assertThat(five.getString("visibility")).isEqualTo("private");
            JsonObject settings = new JsonObject(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restarted.httpPort()
                            + "/api/rooms/seminar-1/comment-settings")).header("Authorization", "Bearer " + made.get(0).getString("streamKey"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(settings.getString("mode")).isEqualTo("emoji");
            assertThat(settings.getBoolean("hold")).isTrue();
            JsonObject kept = new JsonArray(send(restarted.httpPort(), "GET", "/api/rooms/seminar-2/speakers", null).body()).getJsonObject(0);
            assertThat(kept.getString("streamKey")).isEqualTo(person.getString("streamKey"));
            assertThat(kept.getString("displayName")).isEqualTo("Ada Lovelace");
            JsonArray bans = new JsonObject(send(restarted.httpPort(), "GET", "/api/rooms/seminar-3/bans", null).body()).getJsonArray("bans");
            assertThat(bans).hasSize(1);
            assertThat(bans.getJsonObject(0).getString("speaker")).isEqualTo("mallory");
            assertThat(bans.getJsonObject(0).getString("kind")).isEqualTo("ban");
            assertThat(send(restarted.httpPort(), "GET", "/live/seminar-5/master.m3u8?" + oldLink, null).statusCode())
                    .as("a link from before the rotation").isEqualTo(403);
            assertThat(send(restarted.httpPort(), "GET", "/live/seminar-5/master.m3u8?" + newLink, null).statusCode())
                    .as("a link from after it: past the check (the room is not live: 404)").isEqualTo(404);
        }
    }
}
