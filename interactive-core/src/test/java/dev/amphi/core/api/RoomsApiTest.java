package dev.amphi.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RoomsApiTest {

    private final RoomRegistry registry = RoomRegistry.of(List.of(
            Room.of("lobby", "secret-lobby-key"), new Room("talk", "A talk", "secret-talk-key")));
    private Vertx vertx;
    private WebClient client;
    private int port;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        RoomsApi.of(registry).mount(router);
        port = TestHttp.listen(vertx, router);
        client = WebClient.create(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        TestHttp.close(vertx);
    }

    private HttpResponse<Buffer> get(String path) throws Exception {
        return client.get(port, "127.0.0.1", path).send()
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void listsEveryRoomWithLiveStateAndNoKeys() throws Exception {
        registry.setLive("talk", true);
        HttpResponse<Buffer> r = get("/api/rooms");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).startsWith("application/json");
        assertThat(r.bodyAsString()).doesNotContain("secret");
        assertThat(new JsonArray(r.bodyAsString())).containsExactly(
                new JsonObject().put("name", "lobby").put("title", "lobby").put("live", false),
                new JsonObject().put("name", "talk").put("title", "A talk").put("live", true));
    }

    @Test
    void returnsOneRoomByName() throws Exception {
        HttpResponse<Buffer> r = get("/api/rooms/lobby");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(r.bodyAsString()))
                .isEqualTo(new JsonObject().put("name", "lobby").put("title", "lobby").put("live", false));
    }

    @Test
    void answers404ForUnknownRoom() throws Exception {
        HttpResponse<Buffer> r = get("/api/rooms/ghost");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(r.bodyAsString()).getString("error")).isEqualTo("no room named 'ghost'");
    }
}
