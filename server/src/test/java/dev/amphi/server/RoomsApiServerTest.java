package dev.amphi.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rooms API against the server: the administrator makes a room, FFmpeg's RTMP client publishes
 * a named speaker to its key and the room goes live with the speaker in its program; changes apply
 * (title, layout, an ended event refuses publishers), a deleted room's key no longer works, rooms
 * from flags are listed but not changed, every refusal names its field and rule, and a room made
 * through the API is there again after a restart.
 */
class RoomsApiServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(40);
    private static final String ADMIN = "the-administrators-token-0123";
    private static final String LOBBY_KEY = "lobby-key-of-the-rooms-test";
    private static final String PHYSICS = """
            {"name":"physics-101","title":"Physics 101","description":"Mechanics, week 1","scheduledStart":"2026-12-08T14:00:00Z",
             "speakerLimit":4,"layout":"gallery","visibility":"unlisted",
             "settings":{"canvas":"640x360","ladder":"180p:320x180:250k","preset":"ultrafast","comments-hold":true}}""";

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

    private AmphiServer start(String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--admin-token", ADMIN, "--lobby-key", LOBBY_KEY));
        args.addAll(List.of(extra));
        return TestSupport.start(dataDir, args.toArray(String[]::new));
    }

    private HttpResponse<String> send(String method, String path, String token, String json) throws Exception {
        return TestSupport.send(server, method, path, token, json);
    }

    private static JsonObject body(HttpResponse<String> r) {
        return new JsonObject(r.body());
    }

    @Test
    void aRoomMadeThroughTheApiTakesASpeakerAndFollowsItsChanges() throws Exception {
        server = start();
        HttpResponse<String> made = send("POST", "/api/rooms", ADMIN, PHYSICS);
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        assertThat(made.headers().firstValue("Location")).contains("/api/rooms/physics-101");
        JsonObject room = body(made);
        String key = room.getString("streamKey");
        assertThat(key).matches("[A-Za-z0-9_-]{24}");
        assertThat(room.getString("status")).isEqualTo("scheduled");
        assertThat(room.getString("source")).isEqualTo("api");
        assertThat(room.getInteger("speakerLimit")).isEqualTo(4);
        assertThat(room.getString("scheduledStart")).isEqualTo("2026-12-08T14:00:00Z");
        assertThat(room.getJsonObject("settings").getString("comments-hold")).isEqualTo("on");

        // the public list leaves an unlisted room out; the room itself answers, without its key
        assertThat(new JsonArray(send("GET", "/api/rooms", null, null).body()).stream().map(o -> ((JsonObject) o).getString("name")))
                .contains("lobby").doesNotContain("physics-101");
        JsonObject anonymous = body(send("GET", "/api/rooms/physics-101", null, null));
        assertThat(anonymous.getString("title")).isEqualTo("Physics 101");
        assertThat(anonymous.containsKey("streamKey")).isFalse();
        JsonArray all = new JsonArray(send("GET", "/api/rooms", ADMIN, null).body());
        assertThat(all.stream().map(o -> ((JsonObject) o).getString("name"))).containsExactly("lobby", "physics-101");
        assertThat(all.getJsonObject(0).getString("source")).isEqualTo("flags");

        // a speaker publishes to the room's key, named, and is in the room's program
        AtomicBoolean stopPublishing = new AtomicBoolean();
        CompletableFuture<Integer> publisher = CompletableFuture.supplyAsync(() -> {
            try {
                return SyntheticPublisher.publish(TestSupport.rtmpUrl(server, key + "?name=Emmy%20Noether"), 3000, 120, true, stopPublishing);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            await().atMost(TIMEOUT).until(() -> body(send("GET", "/api/rooms/physics-101/program", null, null)).getJsonArray("speakers")
                    .stream().anyMatch(s -> "Emmy Noether".equals(((JsonObject) s).getString("name"))));
            assertThat(body(send("GET", "/api/rooms/physics-101", null, null)).getString("status")).isEqualTo("live");

            // title and layout change at once
            HttpResponse<String> changed = send("PATCH", "/api/rooms/physics-101", ADMIN, "{\"title\":\"Physics 101: Mechanics\",\"layout\":\"speaker\"}");
            assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
            assertThat(body(send("GET", "/api/rooms/physics-101", null, null)).getString("title")).isEqualTo("Physics 101: Mechanics");
            await().atMost(TIMEOUT).until(() -> "speaker".equals(body(send("GET", "/api/rooms/physics-101/program", null, null))
                    .getJsonObject("layout").getString("layout")));

            // ending the event disconnects its speakers and refuses them (here a browser's WHIP join)
            assertThat(send("PATCH", "/api/rooms/physics-101", ADMIN, "{\"status\":\"ended\"}").statusCode()).isEqualTo(200);
            await().atMost(TIMEOUT).until(publisher::isDone);
            assertThat(publisher).as("FFmpeg was disconnected, not finished").isCompletedExceptionally();
        } finally {
            stopPublishing.set(true);
        }
        HttpResponse<String> join = http.send(HttpRequest.newBuilder(URI.create(TestSupport.httpUrl(server, "/api/rooms/physics-101/whip?name=Late")))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/sdp")
                .POST(HttpRequest.BodyPublishers.ofString("v=0\r\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(join.statusCode()).isEqualTo(409);
        assertThat(join.body()).contains("has ended");
        assertThat(body(send("GET", "/api/rooms/physics-101", ADMIN, null)).getString("status")).isEqualTo("ended");
        await().atMost(TIMEOUT).until(() -> !server.rooms().isLive("physics-101")); // its program stopped at once

        // rooms from flags are not changed here
        HttpResponse<String> lobby = send("PATCH", "/api/rooms/lobby", ADMIN, "{\"title\":\"Hall\"}");
        assertThat(lobby.statusCode()).isEqualTo(409);
        assertThat(body(lobby).getString("rule")).isEqualTo("configured-by-flags");
        assertThat(send("DELETE", "/api/rooms/lobby", ADMIN, null).statusCode()).isEqualTo(409);

        // deleted: gone from the API, its key no longer opens it
        assertThat(send("DELETE", "/api/rooms/physics-101", ADMIN, null).statusCode()).isEqualTo(204);
        assertThat(send("GET", "/api/rooms/physics-101", ADMIN, null).statusCode()).isEqualTo(404);
        assertThat(send("DELETE", "/api/rooms/physics-101", ADMIN, null).statusCode()).isEqualTo(404);
        assertThat(server.rooms().byStreamKey(key)).isEmpty();
        assertThat(server.programRooms()).extracting(p -> p.room().name()).doesNotContain("physics-101");
    }

    @Test
    void refusalsNameTheFieldAndTheRule() throws Exception {
        server = start();
        HttpResponse<String> none = send("POST", "/api/rooms", null, PHYSICS);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(send("POST", "/api/rooms", LOBBY_KEY, PHYSICS).statusCode()).as("a room's key is not the admin's").isEqualTo(403);

        record Case(String json, String field, String rule) {
        }
        for (Case c : List.of(
                new Case("{\"name\":\"Physics 101\"}", "name", "room-name"),
                new Case("{\"title\":\"no name\"}", "name", "room-name"),
                new Case("{\"name\":\"p\",\"speakerLimit\":301}", "speakerLimit", "range"),
                new Case("{\"name\":\"p\",\"speakerLimit\":\"4\"}", "speakerLimit", "range"),
                new Case("{\"name\":\"p\",\"visibility\":\"secret\"}", "visibility", "visibility"),
                new Case("{\"name\":\"p\",\"scheduledStart\":\"tomorrow\"}", "scheduledStart", "instant"),
                new Case("{\"name\":\"p\",\"layout\":\"mosaic\"}", "layout", "layout"),
                new Case("{\"name\":\"p\",\"colour\":\"red\"}", "colour", "unknown-field"),
                new Case("{\"name\":\"p\",\"settings\":{\"ladder\":\"huge\"}}", "settings.ladder", "setting"),
                new Case("{\"name\":\"p\",\"settings\":{\"canvas\":\"640x360\",\"ladder\":\"720p:1280x720:3000k\"}}", "settings", "setting"),
                new Case("{\"name\":\"p\",\"settings\":{\"mode\":\"passthrough\"}}", "settings.mode", "not-a-setting"),
                new Case("{\"name\":\"p\",\"settings\":{\"flux\":\"on\"}}", "settings", "setting"),
                new Case("[1,2]", null, "json"))) {
            HttpResponse<String> r = send("POST", "/api/rooms", ADMIN, c.json());
            assertThat(r.statusCode()).as(c.json() + " → " + r.body()).isEqualTo(400);
            JsonObject e = body(r);
            assertThat(e.getString("rule")).as(c.json()).isEqualTo(c.rule());
            assertThat(e.getString("field")).as(c.json()).isEqualTo(c.field());
            assertThat(e.getString("error")).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
        }
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(TestSupport.httpUrl(server, "/api/rooms")))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=p")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(send("POST", "/api/rooms", ADMIN, "{\"name\":\"p\",\"description\":\"" + "x".repeat(20_000) + "\"}").statusCode())
                .isEqualTo(413);
        assertThat(send("POST", "/api/rooms", ADMIN, "{\"name\":\"lobby\"}").statusCode()).isEqualTo(409);
        assertThat(send("POST", "/api/rooms", ADMIN, "{\"name\":\"p\"}").statusCode()).isEqualTo(201);
        HttpResponse<String> again = send("POST", "/api/rooms", ADMIN, "{\"name\":\"p\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(body(again).getString("field")).isEqualTo("name");
    }

    @Test
    void aRoomMadeThroughTheApiIsThereAfterARestartWithItsKey() throws Exception {
        server = start();
        JsonObject made = body(send("POST", "/api/rooms", ADMIN, PHYSICS));
        server.close();
        server = start();
        JsonObject again = body(send("GET", "/api/rooms/physics-101", ADMIN, null));
        assertThat(again.getString("streamKey")).isEqualTo(made.getString("streamKey"));
        assertThat(again.getString("description")).isEqualTo("Mechanics, week 1");
        assertThat(server.rooms().byStreamKey(made.getString("streamKey"))).isPresent();
        assertThat(server.programRooms()).extracting(p -> p.room().name()).contains("physics-101");
        // and the generated admin token, when none is given, is kept and works after a restart too
        server.close();
        server = TestSupport.start(dataDir);
        String token = Files.readString(dataDir.resolve("admin-token")).strip();
        assertThat(send("GET", "/api/rooms/physics-101", token, null).statusCode()).isEqualTo(200);
        assertThat(body(send("GET", "/api/rooms/physics-101", token, null)).containsKey("streamKey")).isTrue();
    }
}
