package dev.amphi.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.amphi.ingest.rtmp.testing.RawRtmpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-speaker credentials against the server: the administrator gives a speaker their own key and
 * join link; FFmpeg's RTMP client publishing with that key shows their display name on the tile
 * whatever name it asks for; the join token is a WHIP Bearer; revoking closes the speaker's
 * connection and refuses both, regenerating
 * voids the old ones and not the new, and the credentials survive a restart.
 */
class SpeakersApiServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(40);
    private static final String ADMIN = "speakers-test-admin-token-01";
    private static final String ROOM_KEY = "panel-room-key-0123456789";

    @TempDir
    Path dataDir;
    private AmphiServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private AmphiServer start() throws Exception {
        return TestSupport.start(dataDir, "--admin-token", ADMIN, "--room-mode", "composite", "--room", "panel=" + ROOM_KEY,
                "--room", "hall=hall-room-key-0123", "--passthrough", "hall",
                "--canvas", "640x360", "--ladder", "180p:320x180:250k", "--preset", "ultrafast");
    }

    private HttpResponse<String> send(String method, String path, String token, String json) throws Exception {
        return TestSupport.send(server, method, path, token, json);
    }

    private int whip(String bearer) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(TestSupport.httpUrl(server, "/api/rooms/panel/whip?name=Someone%20Else")))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/sdp")
                .POST(HttpRequest.BodyPublishers.ofString(WhipRoutesTest.OBS_OFFER)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private String rtmpStatus(String key) throws Exception {
        try (RawRtmpClient c = RawRtmpClient.open(server.rtmpPort()).handshake()) {
            c.connect("live");
            return c.publish(c.createStream(), key + "?name=Impostor")[0];
        }
    }

    private static String token(JsonObject person) {
        String url = person.getString("joinUrl");
        return URLDecoder.decode(url.substring(url.indexOf("?t=") + 3, url.indexOf("&name=")), StandardCharsets.UTF_8);
    }

    private JsonArray speakersOnStage() throws Exception {
        return new JsonObject(send("GET", "/api/rooms/panel/program", null, null).body()).getJsonArray("speakers");
    }

    @Test
    void aSpeakersOwnKeyShowsTheirNameAndRevokingAndRegeneratingTakeEffect() throws Exception {
        server = start();
        HttpResponse<String> made = send("POST", "/api/rooms/panel/speakers", ADMIN, "{\"displayName\":\"Ada Lovelace\"}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        JsonObject ada = new JsonObject(made.body());
        assertThat(ada.getString("role")).isEqualTo("speaker");
        assertThat(ada.getString("streamKey")).matches("[A-Za-z0-9_-]{24}").isNotEqualTo(ROOM_KEY);
        assertThat(ada.getString("joinUrl")).startsWith(TestSupport.httpUrl(server, "/join/panel?t=")).endsWith("&name=Ada%20Lovelace");
        JsonObject grace = new JsonObject(send("POST", "/api/rooms/panel/speakers", ADMIN, "{\"displayName\":\"Grace Hopper\",\"role\":\"host\"}").body());

        // FFmpeg publishes with Ada's key and asks for another name: the tile says Ada Lovelace
        AtomicBoolean stopPublishing = new AtomicBoolean();
        CompletableFuture<Integer> publisher = CompletableFuture.supplyAsync(() -> {
            try {
                return SyntheticPublisher.publish(TestSupport.rtmpUrl(server, ada.getString("streamKey") + "?name=Impostor"), 3000, 150, true,
                        stopPublishing);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            await().atMost(TIMEOUT).until(() -> speakersOnStage().stream().anyMatch(s -> "Ada Lovelace".equals(((JsonObject) s).getString("name"))));
            assertThat(speakersOnStage().stream().map(s -> ((JsonObject) s).getString("name"))).doesNotContain("Impostor");

            // revoked while publishing: her connection is closed, her key and her link are refused
            assertThat(send("DELETE", "/api/rooms/panel/speakers/" + ada.getString("id"), ADMIN, null).statusCode()).isEqualTo(204);
            await().atMost(TIMEOUT).until(publisher::isDone);
            assertThat(publisher).as("FFmpeg was disconnected, not finished").isCompletedExceptionally();
        } finally {
            stopPublishing.set(true);
        }
        assertThat(rtmpStatus(ada.getString("streamKey"))).isNotEqualTo("NetStream.Publish.Start");

        // a join token is a WHIP Bearer for its room; a tampered one is not; the room's key still is
        assertThat(whip(token(grace))).isEqualTo(201);
        assertThat(whip(token(grace).substring(0, token(grace).length() - 2) + "xx")).isEqualTo(401);
        assertThat(whip(ROOM_KEY)).isEqualTo(201);
        assertThat(whip(token(ada))).isEqualTo(401);
        assertThat(send("POST", "/api/rooms/panel/speakers/" + ada.getString("id") + "/regenerate", ADMIN, null).statusCode()).isEqualTo(409);

        // regenerated: the old key and link stop, the new ones work
        HttpResponse<String> again = send("POST", "/api/rooms/panel/speakers/" + grace.getString("id") + "/regenerate", ADMIN, null);
        assertThat(again.statusCode()).isEqualTo(200);
        JsonObject renewed = new JsonObject(again.body());
        assertThat(renewed.getString("streamKey")).isNotEqualTo(grace.getString("streamKey"));
        assertThat(rtmpStatus(grace.getString("streamKey"))).isNotEqualTo("NetStream.Publish.Start");
        assertThat(whip(token(grace))).isEqualTo(401);
        assertThat(whip(token(renewed))).isEqualTo(201);
        assertThat(rtmpStatus(renewed.getString("streamKey"))).isEqualTo("NetStream.Publish.Start");

        // a host's own key and join token stand for the room's key (here: a layout change); a speaker's do not
        assertThat(send("PUT", "/api/rooms/panel/layout", renewed.getString("streamKey"), "{\"layout\":\"speaker\"}").statusCode())
                .isEqualTo(204);
        assertThat(send("PUT", "/api/rooms/panel/layout", token(renewed), "{\"layout\":\"gallery\"}").statusCode()).isEqualTo(204);
        JsonObject linus = new JsonObject(send("POST", "/api/rooms/panel/speakers", ADMIN, "{\"displayName\":\"Linus\"}").body());
        assertThat(send("PUT", "/api/rooms/panel/layout", linus.getString("streamKey"), "{\"layout\":\"speaker\"}").statusCode())
                .isEqualTo(401);
        assertThat(send("PUT", "/api/rooms/panel/layout", grace.getString("streamKey"), "{\"layout\":\"speaker\"}").statusCode())
                .as("a host's old key").isEqualTo(401);

        JsonArray everyone = new JsonArray(send("GET", "/api/rooms/panel/speakers", ADMIN, null).body());
        assertThat(everyone.stream().map(o -> ((JsonObject) o).getString("displayName") + "/" + ((JsonObject) o).getBoolean("revoked")))
                .containsExactly("Ada Lovelace/true", "Grace Hopper/false", "Linus/false");

        // after a restart: the same people, the regenerated key and link still good
        server.close();
        server = start();
        assertThat(rtmpStatus(renewed.getString("streamKey"))).isEqualTo("NetStream.Publish.Start");
        assertThat(whip(token(renewed))).isEqualTo(201);
        assertThat(rtmpStatus(ada.getString("streamKey"))).isNotEqualTo("NetStream.Publish.Start");
    }

    @Test
    void refusalsNameTheFieldAndTheRule() throws Exception {
        server = start();
        assertThat(send("POST", "/api/rooms/panel/speakers", null, "{\"displayName\":\"Ada\"}").statusCode()).isEqualTo(401);
        assertThat(send("POST", "/api/rooms/panel/speakers", ROOM_KEY, "{\"displayName\":\"Ada\"}").statusCode()).isEqualTo(403);
        assertThat(send("POST", "/api/rooms/ghost/speakers", ADMIN, "{\"displayName\":\"Ada\"}").statusCode()).isEqualTo(404);
        for (String[] c : new String[][] {
                {"{}", "displayName", "name"},
                {"{\"displayName\":\"<script>\"}", "displayName", "name"},
                {"{\"displayName\":\"" + "a".repeat(65) + "\"}", "displayName", "name"},
                {"{\"displayName\":\"Ada\",\"role\":\"owner\"}", "role", "role"},
                {"{\"displayName\":\"Ada\",\"key\":\"mine\"}", "key", "unknown-field"}}) {
            HttpResponse<String> r = send("POST", "/api/rooms/panel/speakers", ADMIN, c[0]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(new JsonObject(r.body()).getString("field")).as(c[0]).isEqualTo(c[1]);
            assertThat(new JsonObject(r.body()).getString("rule")).as(c[0]).isEqualTo(c[2]);
        }
        assertThat(send("POST", "/api/rooms/panel/speakers", ADMIN, "{\"displayName\":\"Ada\"}").statusCode()).isEqualTo(201);
        HttpResponse<String> twice = send("POST", "/api/rooms/panel/speakers", ADMIN, "{\"displayName\":\"ada\"}");
        assertThat(twice.statusCode()).isEqualTo(409);
        assertThat(new JsonObject(twice.body()).getString("rule")).isEqualTo("name-taken");
        assertThat(send("DELETE", "/api/rooms/panel/speakers/nobody", ADMIN, null).statusCode()).isEqualTo(404);
    }

    @Test
    void aPersonOfAPassthroughRoomPublishesItsStreamWithTheirOwnKey() throws Exception {
        server = start();
        JsonObject lecturer = new JsonObject(send("POST", "/api/rooms/hall/speakers", ADMIN,
                "{\"displayName\":\"Lecturer\",\"role\":\"host\"}").body());
        assertThat(rtmpStatus(lecturer.getString("streamKey"))).isEqualTo("NetStream.Publish.Start");
        assertThat(send("DELETE", "/api/rooms/hall/speakers/" + lecturer.getString("id"), ADMIN, null).statusCode()).isEqualTo(204);
        assertThat(rtmpStatus(lecturer.getString("streamKey"))).as("revoked").isEqualTo("NetStream.Publish.BadName");
    }
}
