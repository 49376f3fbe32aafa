package dev.amphi.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import dev.amphi.ingest.rtmp.RtmpServer.DuplicatePolicy;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP routes the server itself owns (the origin's are tested in hls-origin and end to end). */
class HttpFrontendTest {

    private final RoomRegistry rooms = RoomRegistry.of(List.of(Room.of("lobby", "lobby-key"), Room.of("talk", "talk-key")));
    private final AtomicBoolean rtmpUp = new AtomicBoolean(true);
    private ServerMetrics metrics;
    private Vertx vertx;
    private WebClient client;
    private int port;

    @BeforeEach
    void start() throws Exception {
        metrics = new ServerMetrics();
        RoomPublishing publishing = new RoomPublishing(rooms, DuplicatePolicy.TAKE_OVER, new StubOrigin()::sink, Runnable::run);
        metrics.bindRooms(rooms, publishing, () -> 0);
        vertx = Vertx.vertx(BlockedThreadAlarm.vertxOptions());
        HttpServer server = vertx.createHttpServer()
                .requestHandler(HttpFrontend.router(vertx, rooms, new StubOrigin(), metrics,
                        new HttpFrontend.RtmpStatus(rtmpUp::get, () -> 1935, () -> -1), HttpFrontend.HttpStatus.plain(() -> port)))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        port = server.actualPort();
        client = WebClient.create(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        metrics.close();
    }

    private HttpResponse<Buffer> request(HttpMethod method, String path) throws Exception {
        return client.request(method, port, "127.0.0.1", path).send()
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private HttpResponse<Buffer> get(String path) throws Exception {
        return request(HttpMethod.GET, path);
    }

    private HttpResponse<Buffer> preflight(String path, String method, String headers) throws Exception {
        return client.request(HttpMethod.OPTIONS, port, "127.0.0.1", path)
                .putHeader("Origin", "https://elsewhere.example")
                .putHeader("Access-Control-Request-Method", method)
                .putHeader("Access-Control-Request-Headers", headers)
                .send().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void corsPreflightsGetAFixedListOfHeadersNeverAnEchoOfTheAskedOnes() throws Exception {
        HttpResponse<Buffer> live = preflight("/live/lobby/master.m3u8", "GET", "x-odd-header, range");
        assertThat(live.statusCode()).isEqualTo(204);
        assertThat(live.getHeader("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(live.getHeader("Access-Control-Allow-Methods")).isEqualTo("GET,HEAD");
        assertThat(live.getHeader("Access-Control-Allow-Headers")).isEqualTo("Range,If-None-Match,If-Modified-Since")
                .doesNotContainIgnoringCase("x-odd-header");

        HttpResponse<Buffer> api = preflight("/api/rooms/talk/layout", "PUT", "x-odd-header");
        assertThat(api.statusCode()).isEqualTo(204);
        assertThat(api.getHeader("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(api.getHeader("Access-Control-Allow-Methods")).isEqualTo("GET,PUT");
        assertThat(api.getHeader("Access-Control-Allow-Headers")).isEqualTo("Authorization,Content-Type")
                .doesNotContainIgnoringCase("x-odd-header");
    }

    @Test
    void liveAndApiAnswersAreSharedWithEveryOriginEvenWhenFetchedWithoutOne() throws Exception {
        HttpResponse<Buffer> live = get("/live/lobby/master.m3u8"); // as a CDN fetches it, to serve every site
        assertThat(live.getHeader("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(live.getHeader("Access-Control-Expose-Headers")).contains("Content-Range", "ETag");
        assertThat(get("/api/rooms").getHeader("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(get("/health").getHeader("Access-Control-Allow-Origin")).as("only /live and /api are shared").isNull();
        assertThat(get("/metrics").getHeader("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void servesTheRoomListPage() throws Exception {
        HttpResponse<Buffer> r = get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(r.bodyAsString()).contains("/player/rooms.js");
    }

    @Test
    void servesTheWatchPageForKnownRoomsOnly() throws Exception {
        HttpResponse<Buffer> r = get("/watch/talk");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(r.bodyAsString()).contains("<video", PlayerRoutes.HLS_JS, "/player/watch.js").doesNotContain(PlayerRoutes.HLS_JS_PLACEHOLDER);

        HttpResponse<Buffer> missing = get("/watch/ghost");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.bodyAsString()).isEqualTo("no such room\n");
    }

    @Test
    void servesTheSpeakerPageForKnownRoomsOnly() throws Exception {
        HttpResponse<Buffer> r = get("/join/talk");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(r.bodyAsString()).contains("id=\"preview\"", "id=\"program\"", "/player/whip.js", "/player/join.js");
        assertThat(get("/player/join.js").getHeader("Content-Type")).isEqualTo("text/javascript; charset=utf-8");

        HttpResponse<Buffer> missing = get("/join/ghost");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.bodyAsString()).isEqualTo("no such room\n");
    }

    @Test
    void servesScriptsStylesAndHlsJsWithTheirContentTypes() throws Exception {
        assertThat(get("/player/watch.js").getHeader("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(get("/player/rooms.js").getHeader("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(get("/player/amphi.css").getHeader("Content-Type")).isEqualTo("text/css; charset=utf-8");

        HttpResponse<Buffer> hls = get(PlayerRoutes.HLS_JS);
        assertThat(hls.statusCode()).isEqualTo(200);
        assertThat(hls.getHeader("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(hls.getHeader("Cache-Control")).contains("immutable");
        assertThat(hls.body().length()).isGreaterThan(100_000);

        HttpResponse<Buffer> head = request(HttpMethod.HEAD, "/player/watch.js");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isNull();
    }

    @Test
    void unknownPathsAndAssetsAre404WithAShortText() throws Exception {
        for (String path : List.of("/nope", "/player/nope.js", "/player/assets.txt", "/webjars/other/1/x.js", "/player/../pom.xml")) {
            HttpResponse<Buffer> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.getHeader("Content-Type")).as(path).startsWith("text/plain");
        }
    }

    @Test
    void roomApiIsMounted() throws Exception {
        rooms.setLive("talk", true);
        HttpResponse<Buffer> r = get("/api/rooms");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.bodyAsJsonArray()).hasSize(2);
        assertThat(r.bodyAsString()).contains("\"name\":\"talk\"", "\"live\":true").doesNotContain("talk-key");
        assertThat(get("/api/rooms/ghost").statusCode()).isEqualTo(404);
    }

    @Test
    void healthReportsListenersAndLiveRooms() throws Exception {
        rooms.setLive("lobby", true);
        HttpResponse<Buffer> r = get("/health");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).startsWith("application/json");
        JsonObject body = r.bodyAsJsonObject();
        assertThat(body.getBoolean("ok")).isTrue();
        assertThat(body.getJsonObject("rtmp").getBoolean("up")).isTrue();
        assertThat(body.getJsonObject("rtmp").getInteger("port")).isEqualTo(1935);
        assertThat(body.getJsonObject("http").getInteger("port")).isEqualTo(port);
        assertThat(body.getJsonObject("http").containsKey("tlsPort")).as("no HTTPS listener, no tlsPort").isFalse();
        assertThat(body.getJsonArray("liveRooms").getList()).containsExactly("lobby");

        rtmpUp.set(false);
        HttpResponse<Buffer> down = get("/health");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.bodyAsJsonObject().getBoolean("ok")).isFalse();
    }

    @Test
    void metricsExposeJvmRtmpRoomAndHttpMeters() throws Exception {
        metrics.connectionOpened();
        metrics.bytesReceived(1234);
        metrics.protocolError("garbage");
        metrics.connectionRefused("the server is at its limit of 1000 open connections");
        rooms.setLive("talk", true);
        get("/api/rooms");

        HttpResponse<Buffer> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).startsWith("text/plain");
        assertThat(r.bodyAsString())
                .contains("jvm_memory_used_bytes", "process_cpu_usage", "jvm_threads_live_threads")
                .contains("amphi_rtmp_connections_open 1.0", "amphi_rtmp_connections_total 1.0")
                .contains("amphi_rtmp_received_bytes_total 1234.0", "amphi_rtmp_protocol_errors_total 1.0")
                .contains("amphi_rtmp_connections_refused_total 1.0")
                .contains("amphi_rooms_live 1.0")
                .contains("amphi_fanout_dropped_total{kind=\"video\",room=\"talk\"} 0.0")
                .containsPattern("amphi_http_requests_seconds_count\\{method=\"GET\",route=\"api\",status=\"200\"} 1")
                .contains("amphi_http_timeouts_total{phase=\"header\"} 0.0");
    }
}
