package dev.amphi.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.core.room.LayoutChoice;
import dev.amphi.core.room.ProgramControl;
import dev.amphi.core.room.ProgramEvents;
import dev.amphi.core.room.ProgramState;
import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import dev.amphi.core.room.SpeakerView;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The program API over a real Vert.x HTTP server on 127.0.0.1, with a scripted program control. */
class ProgramApiTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final RoomRegistry registry = RoomRegistry.of(List.of(
            Room.of("panel", "panel-secret"), Room.of("hall", "hall-secret")));
    private final FakeControl control = new FakeControl();
    private Vertx vertx;
    private ProgramApi api;
    private int port;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        api = ProgramApi.of(registry, control, new ProgramApi.Limits(2, Duration.ofSeconds(1), 256));
        api.mount(router);
        port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return HTTP.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> put(String room, String body, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url("/api/rooms/" + room + "/layout")))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b);
    }

    @Test
    void reportsTheProgramOfACompositedRoomAndAPassthroughOne() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url("/api/rooms/panel/program"))));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-cache");
        JsonObject o = new JsonObject(r.body());
        assertThat(o.getString("mode")).isEqualTo("composite");
        assertThat(o.getBoolean("running")).isTrue();
        assertThat(o.getString("activeSpeaker")).isEqualTo("ada");
        assertThat(o.getJsonObject("layout")).isEqualTo(new JsonObject().put("layout", "gallery").put("page", 1));
        assertThat(o.getJsonArray("speakers").getJsonObject(0).getDouble("level")).isEqualTo(-20.0);

        JsonObject hall = new JsonObject(send(HttpRequest.newBuilder(URI.create(url("/api/rooms/hall/program")))).body());
        assertThat(hall.getString("mode")).isEqualTo("passthrough");
        assertThat(hall.getBoolean("running")).isFalse();
        assertThat(hall.getValue("layout")).isNull();

        assertThat(send(HttpRequest.newBuilder(URI.create(url("/api/rooms/nowhere/program")))).statusCode()).isEqualTo(404);
    }

    @Test
    void changesTheLayoutOnlyWithTheRoomsKey() throws Exception {
        HttpResponse<String> none = put("panel", "{\"layout\":\"speaker\"}", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        HttpResponse<String> otherRoomsKey = put("panel", "{\"layout\":\"speaker\"}", "Bearer hall-secret");
        assertThat(otherRoomsKey.statusCode()).isEqualTo(401);
        assertThat(otherRoomsKey.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"amphi\", error=\"invalid_token\"");
        assertThat(put("panel", "{\"layout\":\"speaker\"}", "Basic cGFuZWw6cGFuZWwtc2VjcmV0").statusCode()).isEqualTo(401);
        assertThat(put("panel", "{\"layout\":\"speaker\"}", "Bearer panel-secre").statusCode()).isEqualTo(401);
        assertThat(control.layouts).isEmpty();

        HttpResponse<String> ok = put("panel", "{\"layout\":\"speaker\"}", "Bearer panel-secret");
        assertThat(ok.statusCode()).isEqualTo(204);
        assertThat(put("panel", "{\"layout\":\"presentation\",\"source\":\"slides\"}", "bearer panel-secret").statusCode()).isEqualTo(204);
        assertThat(control.layouts).containsExactly(LayoutChoice.speaker(), LayoutChoice.presentation("slides"));
    }

    @Test
    void refusesBadLayoutRequestsWithPreciseStatuses() throws Exception {
        HttpResponse<String> bad = put("panel", "{\"layout\":\"grid\"}", "Bearer panel-secret");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(bad.body()).getString("error")).contains("unknown layout 'grid'");
        HttpResponse<String> notJson = put("panel", "layout=speaker", "Bearer panel-secret");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(notJson.body()).getString("error")).startsWith("body is not valid JSON");
        HttpResponse<String> unknownSource = put("panel", "{\"layout\":\"presentation\",\"source\":\"nobody\"}", "Bearer panel-secret");
        assertThat(unknownSource.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(unknownSource.body()).getString("error")).isEqualTo("room panel has no speaker 'nobody' to present");
        HttpResponse<String> passthrough = put("hall", "{\"layout\":\"speaker\"}", "Bearer hall-secret");
        assertThat(passthrough.statusCode()).isEqualTo(409);
        assertThat(new JsonObject(passthrough.body()).getString("error")).contains("passes its publisher through");
        assertThat(put("nowhere", "{\"layout\":\"speaker\"}", "Bearer panel-secret").statusCode()).isEqualTo(404);
        HttpResponse<String> huge = put("panel", "{\"layout\":\"speaker\",\"x\":\"" + "x".repeat(1000) + "\"}", "Bearer panel-secret");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(new JsonObject(huge.body()).getString("error")).isEqualTo("layout request body is over 256 bytes");
        assertThat(control.layouts).isEmpty();
    }

    @Test
    void streamsASnapshotThenEventsAndHeartbeats() throws Exception {
        try (SseClient sse = new SseClient(url("/api/rooms/panel/events"))) {
            assertThat(sse.response.statusCode()).isEqualTo(200);
            assertThat(sse.response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
            assertThat(sse.response.headers().firstValue("Cache-Control")).hasValue("no-cache");
            JsonObject snapshot = new JsonObject(sse.next("program", WAIT).data());
            assertThat(snapshot.getString("activeSpeaker")).isEqualTo("ada");
            control.fire("panel", l -> l.activeSpeakerChanged("bob"));
            assertThat(new JsonObject(sse.next("active-speaker", WAIT).data())).isEqualTo(new JsonObject().put("id", "bob"));
            control.fire("panel", l -> l.layoutChanged(LayoutChoice.presentation("slides")));
            assertThat(new JsonObject(sse.next("layout", WAIT).data()))
                    .isEqualTo(new JsonObject().put("layout", "presentation").put("source", "slides"));
            control.fire("panel", l -> l.speakersChanged(List.of(new SpeakerView("bob", "Bob", -3, true))));
            assertThat(new JsonObject(sse.next("speakers", WAIT).data()).getJsonArray("speakers").getJsonObject(0).getString("name"))
                    .isEqualTo("Bob");
            control.fire("hall", l -> l.activeSpeakerChanged("someone-else"));
            assertThat(sse.next(":", Duration.ofSeconds(3)).data()).isEqualTo("heartbeat");
        }
    }

    @Test
    void capsOpenStreamsAndFreesThePlaceOfAClosedOne() throws Exception {
        try (SseClient a = new SseClient(url("/api/rooms/panel/events"));
             SseClient b = new SseClient(url("/api/rooms/hall/events"))) {
            a.next("program", WAIT);
            b.next("program", WAIT);
            HttpResponse<String> third = send(HttpRequest.newBuilder(URI.create(url("/api/rooms/panel/events"))));
            assertThat(third.statusCode()).isEqualTo(503);
            assertThat(third.headers().firstValue("Retry-After")).isPresent();
            assertThat(new JsonObject(third.body()).getString("error")).contains("too many event streams open (2)");
            assertThat(send(HttpRequest.newBuilder(URI.create(url("/api/rooms/nowhere/events")))).statusCode()).isEqualTo(404);
        }
        awaitOpen(0);
        try (SseClient c = new SseClient(url("/api/rooms/panel/events"))) {
            assertThat(c.response.statusCode()).isEqualTo(200);
            c.next("program", WAIT);
        }
    }

    @Test
    void disconnectsAClientThatDoesNotRead() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/rooms/panel/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitOpen(1);
            List<SpeakerView> many = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                many.add(new SpeakerView("speaker-" + i, "A speaker with a rather long display name number " + i, -40, i < 49));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int sent = 0;
            while (api.openEventStreams() > 0) {
                assertThat(System.nanoTime()).as("the stream of a client that reads nothing is closed").isLessThan(deadline);
                control.fire("panel", l -> l.speakersChanged(many));
                sent++;
                Thread.sleep(1);
            }
            assertThat(sent).as("events offered before the write queue filled up").isGreaterThan(10);
            // the server closed the connection: after the buffered bytes, the socket ends
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            long total = 0;
            int n;
            try {
                while ((n = in.read(buf)) >= 0) {
                    total += n;
                }
            } catch (java.net.SocketException e) {
                // reset by the server: closed just the same
            }
            assertThat(total).isPositive();
        }
    }

    private void awaitOpen(int n) throws InterruptedException {
        Awaitility.await("open event streams to become " + n).atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> api.openEventStreams() == n);
    }

    /** A composited room {@code panel} with two speakers, a passthrough room {@code hall}. */
    private static final class FakeControl implements ProgramControl {
        final List<LayoutChoice> layouts = new CopyOnWriteArrayList<>();
        final Map<String, List<ProgramEvents>> listeners = new ConcurrentHashMap<>();

        @Override
        public ProgramState state(String room) {
            if (room.equals("hall")) {
                return ProgramState.passthrough();
            }
            return new ProgramState(ProgramState.Mode.COMPOSITE, true, Optional.of(LayoutChoice.gallery(1)), Optional.of("ada"),
                    List.of(new SpeakerView("ada", "Ada", -20, true), new SpeakerView("slides", "Slides", -120, true)));
        }

        @Override
        public void layout(String room, LayoutChoice layout) {
            if (room.equals("hall")) {
                throw new IllegalStateException("room hall passes its publisher through: it has no program to lay out");
            }
            if (layout.kind() == LayoutChoice.Kind.PRESENTATION && !layout.source().equals("slides")) {
                throw new IllegalArgumentException("room panel has no speaker '" + layout.source() + "' to present");
            }
            layouts.add(layout);
        }

        @Override
        public Registration listen(String room, ProgramEvents events) {
            listeners.computeIfAbsent(room, r -> new CopyOnWriteArrayList<>()).add(events);
            return () -> listeners.get(room).remove(events);
        }

        void fire(String room, java.util.function.Consumer<ProgramEvents> event) {
            listeners.getOrDefault(room, List.of()).forEach(event);
        }
    }
}
