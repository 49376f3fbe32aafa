package dev.amphi.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.amphi.ingest.rtmp.testing.RawRtmpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host's hand on the speakers, through the API against a running server: a speaker FFmpeg
 * publishes is muted (the program says so, and their level is still metered) and unmuted; a name
 * banned ahead is refused over RTMP with {@code NetStream.Publish.Rejected}, still after a restart,
 * and lifting the ban lets it in; every refusal (no key, a speaker's key, unknown speaker, bad body,
 * a passthrough room) has its status.
 */
class LiveSpeakersApiServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String ROOM_KEY = "live-speakers-room-key-0123";
    private static final String ADMIN = "live-speakers-admin-token-0123";

    @TempDir
    Path dataDir;
    private AmphiServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    private AmphiServer start() throws Exception {
        return TestSupport.start(dataDir, "--room-mode", "composite", "--admin-token", ADMIN, "--room", "panel=" + ROOM_KEY,
                "--room", "hall=hall-room-key-0123", "--passthrough", "hall", "--canvas", "640x360", "--ladder", "180p:320x180:250k",
                "--preset", "ultrafast");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> send(String method, String path, String bearer, String json) throws Exception {
        return TestSupport.send(server, method, path, bearer, json);
    }

    private JsonObject speaker(String id) throws Exception {
        JsonArray all = new JsonObject(send("GET", "/api/rooms/panel/program", null, null).body()).getJsonArray("speakers");
        return all.stream().map(o -> (JsonObject) o).filter(s -> s.getString("id").equals(id)).findFirst().orElse(null);
    }

    private String rtmpStatus(String keyAndName) throws Exception {
        try (RawRtmpClient c = RawRtmpClient.open(server.rtmpPort()).handshake()) {
            c.connect("live");
            return String.join(" ", c.publish(c.createStream(), keyAndName));
        }
    }

    @Test
    void aHostMutesAndBansAndEveryRefusalHasItsStatus() throws Exception {
        server = start();
        AtomicBoolean stopPublishing = new AtomicBoolean();
        CompletableFuture<Integer> ada = CompletableFuture.supplyAsync(() -> {
            try {
                return SyntheticPublisher.publish(TestSupport.rtmpUrl(server, ROOM_KEY + "?name=Ada"), 3000, 150, true, stopPublishing);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            await().atMost(TIMEOUT).until(() -> speaker("ada") != null && speaker("ada").getDouble("level") > -50
                    && speaker("ada").getInteger("kbps") > 100);
            assertThat(speaker("ada").getBoolean("muted")).isFalse();

            assertThat(send("PUT", "/api/rooms/panel/program/speakers/Ada/muted", ROOM_KEY, null).statusCode())
                    .as("by display name").isEqualTo(204);
            assertThat(speaker("ada").getBoolean("muted")).isTrue();
            assertThat(speaker("ada").getDouble("level")).as("still metered while muted").isGreaterThan(-50);
            assertThat(send("DELETE", "/api/rooms/panel/program/speakers/ada/muted", ADMIN, null).statusCode())
                    .as("the admin token stands for a host").isEqualTo(204);
            assertThat(speaker("ada").getBoolean("muted")).isFalse();

            // refusals
            assertThat(send("PUT", "/api/rooms/panel/program/speakers/ada/muted", null, null).statusCode()).isEqualTo(401);
            assertThat(send("PUT", "/api/rooms/panel/program/speakers/ada/muted", "hall-room-key-0123", null).statusCode())
                    .as("another room's key").isEqualTo(401);
            JsonObject bob = new JsonObject(send("POST", "/api/rooms/panel/speakers", ADMIN, "{\"displayName\":\"Bob\"}").body());
            assertThat(send("POST", "/api/rooms/panel/program/speakers/ada/kick", bob.getString("streamKey"), null).statusCode())
                    .as("a speaker's own key is not a host's").isEqualTo(401);
            assertThat(send("PUT", "/api/rooms/panel/program/speakers/nobody/muted", ROOM_KEY, null).statusCode()).isEqualTo(404);
            assertThat(send("POST", "/api/rooms/panel/program/speakers/nobody/kick", ROOM_KEY, null).statusCode()).isEqualTo(404);
            assertThat(send("PUT", "/api/rooms/hall/program/speakers/ada/muted", "hall-room-key-0123", null).statusCode()).isEqualTo(409);
            assertThat(send("POST", "/api/rooms/hall/bans", "hall-room-key-0123", "{\"speaker\":\"Ada\"}").statusCode()).isEqualTo(409);
            HttpResponse<String> noSpeaker = send("POST", "/api/rooms/panel/bans", ROOM_KEY, "{}");
            assertThat(noSpeaker.statusCode()).isEqualTo(400);
            assertThat(new JsonObject(noSpeaker.body()).getString("field")).isEqualTo("speaker");
            HttpResponse<String> extra = send("POST", "/api/rooms/panel/bans", ROOM_KEY, "{\"speaker\":\"Eve\",\"forever\":true}");
            assertThat(new JsonObject(extra.body()).getString("field")).isEqualTo("forever");
            assertThat(send("POST", "/api/rooms/panel/bans", ROOM_KEY, "{\"speaker\":\"" + "x".repeat(200) + "\"}").statusCode())
                    .as("a name over the speaker-name rule").isEqualTo(400);
            HttpResponse<String> text = http.send(HttpRequest.newBuilder(URI.create(TestSupport.httpUrl(server, "/api/rooms/panel/bans")))
                    .header("Authorization", "Bearer " + ROOM_KEY).header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("Eve")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(text.statusCode()).isEqualTo(415);
            assertThat(send("DELETE", "/api/rooms/panel/bans/nobody", ROOM_KEY, null).statusCode()).isEqualTo(404);
            assertThat(send("POST", "/api/rooms/panel/presence?viewer=short", null, null).statusCode()).isEqualTo(400);
            assertThat(send("POST", "/api/rooms/panel/presence?viewer=abcdef0123456789", null, null).statusCode()).isEqualTo(204);
            assertThat(new JsonObject(send("GET", "/api/rooms/panel", null, null).body()).getInteger("viewers")).isEqualTo(1);
            // a page's quality report: kept as histograms and counters, nothing per viewer
            assertThat(send("POST", "/api/rooms/panel/presence?viewer=abcdef0123456789", null,
                    "{\"startupMs\":1500,\"stalls\":2,\"stalledMs\":2500,\"switches\":1,\"latency\":6.5}").statusCode()).isEqualTo(204);
            HttpResponse<String> bad = send("POST", "/api/rooms/panel/presence?viewer=abcdef0123456789", null, "{\"stalls\":-1}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(new JsonObject(bad.body()).getString("field")).isEqualTo("stalls");
            assertThat(send("POST", "/api/rooms/panel/presence?viewer=abcdef0123456789", null, "{\"name\":\"Ada\"}").statusCode())
                    .as("nothing else").isEqualTo(400);
            String metrics = TestSupport.get(TestSupport.httpUrl(server, "/metrics")).body();
            assertThat(metrics).containsPattern("amphi_viewer_startup_seconds_count 1(\\.0)?\n").contains("amphi_viewer_startup_seconds_sum 1.5")
                    .contains("amphi_viewer_stalls_total 2.0").contains("amphi_viewer_stalled_seconds_total 2.5")
                    .contains("amphi_viewer_rendition_switches_total 1.0").containsPattern("amphi_viewer_latency_seconds_count 1(\\.0)?\n")
                    .contains("amphi_viewer_reports_total{result=\"kept\"} 1.0");
        } finally {
            stopPublishing.set(true);
        }
        assertThat(ada.handle((n, e) -> true).get()).isTrue();

        // a name banned ahead: refused with the reason, also after a restart, until lifted
        HttpResponse<String> banned = send("POST", "/api/rooms/panel/bans", ROOM_KEY, "{\"speaker\":\"Mallory\"}");
        assertThat(banned.statusCode()).as(banned.body()).isEqualTo(201);
        JsonObject ban = new JsonObject(banned.body());
        assertThat(ban.getString("speaker")).isEqualTo("mallory");
        assertThat(ban.getString("kind")).isEqualTo("ban");
        assertThat(ban.getInteger("connections")).isZero();
        assertThat(rtmpStatus(ROOM_KEY + "?name=Mallory")).contains("NetStream.Publish.Rejected").contains("banned Mallory");
        server.close();
        server = start();
        assertThat(new JsonObject(send("GET", "/api/rooms/panel/bans", ROOM_KEY, null).body()).getJsonArray("bans").getJsonObject(0)
                .getString("speaker")).isEqualTo("mallory");
        assertThat(rtmpStatus(ROOM_KEY + "?name=MALLORY")).as("whatever the case").contains("NetStream.Publish.Rejected");
        assertThat(send("DELETE", "/api/rooms/panel/bans/Mallory", ROOM_KEY, null).statusCode()).isEqualTo(204);
        assertThat(new JsonObject(send("GET", "/api/rooms/panel/bans", ROOM_KEY, null).body()).getJsonArray("bans")).isEmpty();
        assertThat(rtmpStatus(ROOM_KEY + "?name=Mallory")).contains("NetStream.Publish.Start");
    }
}
