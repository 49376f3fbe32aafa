package dev.amphi.server;

import static dev.amphi.server.TestSupport.await;
import static dev.amphi.server.TestSupport.get;
import static dev.amphi.server.TestSupport.httpUrl;
import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.core.api.SseClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The program API against a running server: two demo speakers take turns in the composited lobby
 * (Ada in red, hue 0; Grace in cyan, hue 180), a passthrough room {@code hall} beside it. The
 * event stream reports the active speaker changing by itself; a layout change with the lobby's key
 * shows in {@code GET .../program} and in the picture FFmpeg's HLS demuxer reads back (in the
 * speaker layout, the large tile follows whoever speaks).
 */
class ProgramControlApiTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The demo speakers' backgrounds: HSV (hue, 0.7, 0.8) as RGB. */
    private static final int ADA_RED = 0xcc3d3d;
    private static final int GRACE_CYAN = 0x3dcccc;

    @TempDir
    static Path dataDir;
    static AmphiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestSupport.start(dataDir, "--room-mode", "composite", "--demo", "2", "--lobby-key", "lobby-stream-key-0123",
                "--room", "hall=hall-stream-key-0123", "--passthrough", "hall", "--canvas", "640x360", "--ladder", "360p:640x360:600k",
                "--preset", "ultrafast", "--segment-duration", "1s");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void eventStreamReportsTheActiveSpeakerChangingAsTheDemoSpeakersTakeTurns() throws Exception {
        try (SseClient sse = new SseClient(httpUrl(server, "/api/rooms/lobby/events"))) {
            assertThat(sse.response.statusCode()).isEqualTo(200);
            assertThat(sse.response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
            assertThat(sse.response.headers().firstValue("Content-Encoding").orElse("identity")).isEqualTo("identity");
            JsonObject snapshot = new JsonObject(sse.next("program", TIMEOUT).data());
            assertThat(snapshot.getString("mode")).isEqualTo("composite");
            assertThat(snapshot.getBoolean("running")).isTrue();
            JsonArray speakers = snapshot.getJsonArray("speakers");
            assertThat(speakers.stream().map(o -> ((JsonObject) o).getString("name"))).containsExactly("Ada", "Grace");

            Set<String> actives = new LinkedHashSet<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (actives.size() < 2) {
                assertThat(System.nanoTime()).as("two different active speakers within " + TIMEOUT + ", saw " + actives).isLessThan(deadline);
                actives.add(new JsonObject(sse.next("active-speaker", TIMEOUT).data()).getString("id"));
            }
            assertThat(actives).containsExactlyInAnyOrder("demo-1", "demo-2");
            assertThat(get(httpUrl(server, "/metrics")).body()).contains("amphi_api_event_streams 1.0");
        }
        JsonObject program = new JsonObject(get(httpUrl(server, "/api/rooms/lobby/program")).body());
        assertThat(program.getString("activeSpeaker")).isIn("demo-1", "demo-2");
        assertThat(program.getJsonArray("speakers").stream().mapToDouble(o -> ((JsonObject) o).getDouble("level")).max().orElseThrow())
                .as("the speaking demo's level in dBFS").isGreaterThan(-40.0);
    }

    @Test
    void aLayoutChangeWithTheRoomsKeyShowsInTheApiAndInThePicture() throws Exception {
        assertThat(put("lobby", "{\"layout\":\"gallery\"}", "Bearer lobby-stream-key-0123").statusCode()).isEqualTo(204);
        await(TIMEOUT, "Ada and Grace side by side in the gallery", () -> {
            try {
                Frame f = liveFrame();
                long red = count(f, ADA_RED);
                long cyan = count(f, GRACE_CYAN);
                return red > 0 && cyan > 0 && red < 2 * cyan && cyan < 2 * red;
            } catch (Exception e) {
                return false;
            }
        });
        try (SseClient sse = new SseClient(httpUrl(server, "/api/rooms/lobby/events"))) {
            sse.next("program", TIMEOUT);
            assertThat(put("lobby", "{\"layout\":\"presentation\",\"source\":\"demo-2\"}", "Bearer lobby-stream-key-0123").statusCode()).isEqualTo(204);
            assertThat(new JsonObject(sse.next("layout", TIMEOUT).data()))
                    .isEqualTo(new JsonObject().put("layout", "presentation").put("source", "demo-2"));
        }
        JsonObject program = new JsonObject(get(httpUrl(server, "/api/rooms/lobby/program")).body());
        assertThat(program.getJsonObject("layout")).isEqualTo(new JsonObject().put("layout", "presentation").put("source", "demo-2"));
        await(TIMEOUT, "Grace (cyan) large in the presentation layout", () -> dominant(GRACE_CYAN, ADA_RED));

        assertThat(put("lobby", "{\"layout\":\"presentation\",\"source\":\"Ada\"}", "Bearer lobby-stream-key-0123").statusCode()).isEqualTo(204);
        assertThat(new JsonObject(get(httpUrl(server, "/api/rooms/lobby/program")).body()).getJsonObject("layout").getString("source"))
                .as("a display name resolves to the speaker's id").isEqualTo("demo-1");
        await(TIMEOUT, "Ada (red) large once she is presented", () -> dominant(ADA_RED, GRACE_CYAN));

        assertThat(put("lobby", "{\"layout\":\"gallery\"}", "Bearer lobby-stream-key-0123").statusCode()).isEqualTo(204);
        JsonObject gallery = new JsonObject(get(httpUrl(server, "/api/rooms/lobby/program")).body());
        assertThat(gallery.getJsonObject("layout")).isEqualTo(new JsonObject().put("layout", "gallery").put("page", 1));
        assertThat(gallery.getJsonArray("speakers").stream().allMatch(o -> ((JsonObject) o).getBoolean("visible"))).isTrue();
    }

    @Test
    void theSpeakerLayoutShowsWhoeverSpeaksLarge() throws Exception {
        assertThat(put("lobby", "{\"layout\":\"speaker\"}", "Bearer lobby-stream-key-0123").statusCode()).isEqualTo(204);
        await(TIMEOUT, "Ada (red) large while she speaks", () -> dominant(ADA_RED, GRACE_CYAN));
        await(TIMEOUT, "Grace (cyan) large when it is her turn", () -> dominant(GRACE_CYAN, ADA_RED));
        JsonObject program = new JsonObject(get(httpUrl(server, "/api/rooms/lobby/program")).body());
        assertThat(program.getJsonObject("layout")).isEqualTo(new JsonObject().put("layout", "speaker"));
    }

    @Test
    void refusesLayoutChangesWithoutTheKeyOrWithBadValues() throws Exception {
        HttpResponse<String> noKey = put("lobby", "{\"layout\":\"speaker\"}", null);
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(noKey.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(put("lobby", "{\"layout\":\"speaker\"}", "Bearer hall-stream-key-0123").statusCode()).as("another room's key").isEqualTo(401);
        HttpResponse<String> unknownSource = put("lobby", "{\"layout\":\"presentation\",\"source\":\"slides\"}", "Bearer lobby-stream-key-0123");
        assertThat(unknownSource.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(unknownSource.body()).getString("error"))
                .isEqualTo("room lobby has no speaker 'slides' to present; speakers: demo-1, demo-2");
        assertThat(put("lobby", "{\"layout\":\"mosaic\"}", "Bearer lobby-stream-key-0123").statusCode()).isEqualTo(400);
        assertThat(put("hall", "{\"layout\":\"speaker\"}", "Bearer hall-stream-key-0123").statusCode()).as("a passthrough room").isEqualTo(409);
        assertThat(put("attic", "{\"layout\":\"speaker\"}", "Bearer lobby-stream-key-0123").statusCode()).isEqualTo(404);

        JsonObject hall = new JsonObject(get(httpUrl(server, "/api/rooms/hall/program")).body());
        assertThat(hall.getString("mode")).isEqualTo("passthrough");
        assertThat(hall.getBoolean("running")).isFalse();
    }

    private static HttpResponse<String> put(String room, String body, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(httpUrl(server, "/api/rooms/" + room + "/layout")))
                .timeout(Duration.ofSeconds(10))
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Whether, in the lobby's picture now, {@code large} covers at least three times the area of {@code small}. */
    private static boolean dominant(int large, int small) {
        try {
            Frame f = liveFrame();
            long a = count(f, large);
            long b = count(f, small);
            return a > 3 * b && a > (long) f.imageWidth * f.imageHeight / 4 / 8;
        } catch (Exception e) {
            return false;
        }
    }

    /** Pixels (every second one each way) within 50 of {@code rgb} in each channel of a BGR24 frame. */
    private static long count(Frame f, int rgb) {
        ByteBuffer b = (ByteBuffer) f.image[0];
        long n = 0;
        for (int y = 0; y < f.imageHeight; y += 2) {
            for (int x = 0; x < f.imageWidth; x += 2) {
                int o = y * f.imageStride + 3 * x;
                if (Math.abs((b.get(o + 2) & 0xff) - ((rgb >> 16) & 0xff)) < 50
                        && Math.abs((b.get(o + 1) & 0xff) - ((rgb >> 8) & 0xff)) < 50
                        && Math.abs((b.get(o) & 0xff) - (rgb & 0xff)) < 50) {
                    n++;
                }
            }
        }
        return n;
    }

    /** A video frame FFmpeg's HLS demuxer reads from the lobby's master playlist now. */
    private static Frame liveFrame() throws Exception {
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(httpUrl(server, "/live/lobby/master.m3u8"));
        g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
        g.setOption("rw_timeout", "10000000");
        g.setOption("live_start_index", "-1"); // the newest segment: the picture after the switch
        try {
            g.start();
            Frame f;
            int seen = 0;
            while ((f = g.grabImage()) != null) {
                if (++seen == 3) {
                    return f.clone();
                }
            }
            throw new AssertionError("no video frame in the lobby's HLS output");
        } finally {
            g.stop();
            g.release();
        }
    }
}
