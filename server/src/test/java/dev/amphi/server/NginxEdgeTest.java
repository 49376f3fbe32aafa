package dev.amphi.server;

import static dev.amphi.server.TestSupport.httpUrl;
import static dev.amphi.server.TestSupport.rtmpUrl;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recommended caching edge ({@code deploy/nginx}, run by its own {@code edge.sh}) in front of a
 * real server with a live room: a player reads the stream through it, immutable objects (segments,
 * comment windows) come from the edge's cache on the second request with the origin's
 * {@code Cache-Control}, and viewers post comments and read the room's events through it. A private
 * room's objects need a viewer link at the origin and at the edge (which checks it with nginx's
 * {@code secure_link} from the origin's map of room secrets, and keeps one cached segment for all
 * links); a rotated secret voids the links at both once the edge has reloaded the map.
 */
class NginxEdgeTest {

    static final Path NGINX = Path.of("/usr/sbin/nginx");
    static final Path EDGE_SCRIPT = Path.of("..", "deploy", "nginx", "edge.sh").toAbsolutePath().normalize();
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path dataDir;
    @TempDir
    static Path edgeDir;
    static AmphiServer server;
    static Process edge;
    static int edgePort;
    static final AtomicBoolean STOP = new AtomicBoolean();
    static CompletableFuture<Integer> publisher;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        assertThat(Files.isExecutable(NGINX))
                .as("the edge test needs Debian's nginx (%s); bin/test installs it, or run: apt-get install -y nginx", NGINX)
                .isTrue();
        SyntheticPublisher.warmUp();
        server = TestSupport.start(dataDir, "--room", "hall=hall-stream-key-0123");
        try (ServerSocket s = new ServerSocket(0)) {
            edgePort = s.getLocalPort();
        }
        Path secrets = dataDir.resolve(AmphiServer.ROOM_SECRETS_MAP);
        Awaitility.await("the origin's map of private rooms").atMost(TIMEOUT).until(() -> Files.exists(secrets));
        edge = new ProcessBuilder("bash", EDGE_SCRIPT.toString(), "run", "--listen", "127.0.0.1:" + edgePort,
                "--origin", "127.0.0.1:" + server.httpPort(), "--prefix", edgeDir.toString(), "--workers", "1",
                "--room-secrets", secrets.toString())
                .redirectErrorStream(true).redirectOutput(edgeDir.resolve("edge.out").toFile()).start();
        Awaitility.await("the edge to answer on port " + edgePort).atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    assertThat(edge.isAlive()).as("nginx exited: %s", edgeLog()).isTrue();
                    return get("/health").statusCode() == 200;
                });
        publisher = CompletableFuture.supplyAsync(() -> {
            try {
                return SyntheticPublisher.publish(rtmpUrl(server, "hall-stream-key-0123"), 40 * SyntheticPublisher.FPS, 90, true, STOP);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        STOP.set(true);
        if (edge != null) {
            edge.destroy();
            if (!edge.waitFor(10, TimeUnit.SECONDS)) {
                edge.destroyForcibly();
            }
        }
        if (publisher != null) {
            publisher.handle((r, e) -> r).get(20, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    private static String edgeLog() {
        try {
            Path log = edgeDir.resolve("logs/error.log");
            return Files.readString(edgeDir.resolve("edge.out")) + (Files.exists(log) ? Files.readString(log) : "");
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String edgeUrl(String path) {
        return "http://127.0.0.1:" + edgePort + path;
    }

    private static HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(edgeUrl(path))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse("");
    }

    private static HttpResponse<String> post(String path, String auth, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(edgeUrl(path))).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The media playlist's URL path once it lists at least {@code n} segments, and its last segment's path. */
    private static List<String> liveVideo(int n) {
        String[] found = new String[2];
        Awaitility.await("the room's video playlist to list " + n + " segments through the edge").atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(250)).until(() -> {
                    HttpResponse<byte[]> master = get("/live/hall/master.m3u8");
                    if (master.statusCode() != 200) {
                        return false;
                    }
                    String masterUrl = edgeUrl("/live/hall/master.m3u8");
                    String video = TestSupport.mediaPlaylists(masterUrl, new String(master.body(), StandardCharsets.UTF_8)).stream()
                            .filter(u -> u.contains("/video")).findFirst().orElseThrow();
                    String path = URI.create(video).getPath();
                    String text = new String(get(path).body(), StandardCharsets.UTF_8);
                    List<String> segs = text.lines().filter(l -> l.endsWith(".m4s")).toList();
                    if (segs.size() < n) {
                        return false;
                    }
                    found[0] = path;
                    found[1] = URI.create(video).resolve(segs.get(segs.size() - 1)).getPath();
                    return true;
                });
        return List.of(found[0], found[1]);
    }

    @Test
    void aPlayerReadsTheLiveStreamThroughTheEdge() throws Exception {
        liveVideo(2);
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(edgeUrl("/live/hall/master.m3u8"));
        g.setPixelFormat(avutil.AV_PIX_FMT_GRAY8);
        g.setOption("rw_timeout", "10000000");
        int video = 0;
        int audio = 0;
        try {
            g.start();
            Frame f;
            while ((video < 60 || audio < 10) && (f = g.grab()) != null) {
                if (f.image != null) {
                    video++;
                } else if (f.samples != null) {
                    audio++;
                }
            }
        } finally {
            g.stop();
            g.release();
        }
        assertThat(video).as("video frames decoded through the edge").isGreaterThanOrEqualTo(60);
        assertThat(audio).as("audio frames decoded through the edge").isGreaterThanOrEqualTo(10);
    }

    @Test
    void aSegmentIsServedFromTheEdgesCacheWithTheOriginsCacheControl() throws Exception {
        String segment = liveVideo(1).get(1);
        HttpResponse<byte[]> first = get(segment);
        HttpResponse<byte[]> second = get(segment);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(header(first, "Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
        assertThat(header(second, "X-Cache-Status")).as("second GET of %s", segment).isEqualTo("HIT");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.body().length).isGreaterThan(1000);
        HttpResponse<byte[]> origin = HTTP.send(HttpRequest.newBuilder(URI.create(httpUrl(server, segment))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(second.body()).as("the edge's copy is the origin's").isEqualTo(origin.body());
    }

    @Test
    void aPlaylistIsCachedForItsShortLifeOnly() throws Exception {
        String playlist = liveVideo(1).get(0);
        HttpResponse<byte[]> first = get(playlist);
        assertThat(header(first, "Cache-Control")).isEqualTo("public, max-age=1");
        // answered from the edge's copy: HIT, or STALE/UPDATING when it just expired and is being refreshed
        assertThat(header(get(playlist), "X-Cache-Status")).as("a second GET right away").isIn("HIT", "STALE", "UPDATING");
        String before = new String(first.body(), StandardCharsets.UTF_8);
        Awaitility.await("the playlist seen through the edge to advance").atMost(TIMEOUT).pollInterval(Duration.ofMillis(250))
                .until(() -> !new String(get(playlist).body(), StandardCharsets.UTF_8).equals(before));
    }

    @Test
    void aViewerPostsACommentThroughTheEdge() throws Exception {
        HttpResponse<String> token = post("/api/rooms/hall/viewer-token", null, "{}");
        assertThat(token.statusCode()).as(token.body()).isEqualTo(201);
        assertThat(header(token, "X-Cache-Status")).as("API answers are not cached").isEmpty();
        String auth = "Viewer " + new JsonObject(token.body()).getString("token");
        HttpResponse<String> posted = post("/api/rooms/hall/comments", auth, "{\"text\":\"through the edge 👏\",\"mode\":\"scroll\"}");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
        assertThat(new JsonObject(posted.body()).getString("id")).isNotBlank();
        HttpResponse<String> again = post("/api/rooms/hall/comments", auth, "{\"text\":\"again\"}");
        assertThat(again.statusCode()).as("a second post is not answered from a cache: " + again.body()).isEqualTo(201);
        assertThat(new JsonObject(again.body()).getString("id")).isNotEqualTo(new JsonObject(posted.body()).getString("id"));
    }

    @Test
    void aCommentsWindowObjectIsServedFromTheEdgesCache() throws Exception {
        HttpResponse<String> token = post("/api/rooms/hall/viewer-token", null, "{}");
        String auth = "Viewer " + new JsonObject(token.body()).getString("token");
        HttpResponse<String> posted = post("/api/rooms/hall/comments", auth, "{\"text\":\"cached at the edge\"}");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
        JsonObject answer = new JsonObject(posted.body());
        long window = answer.getLong("window");
        Awaitility.await("the index seen through the edge to list window " + window).atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(250)).until(() -> {
                    HttpResponse<byte[]> index = get("/live/hall/comments/index.json");
                    assertThat(header(index, "Cache-Control")).isEqualTo("public, max-age=1");
                    Long latest = new JsonObject(new String(index.body(), StandardCharsets.UTF_8)).getLong("latest");
                    return latest != null && latest >= window;
                });
        HttpResponse<byte[]> revalidated = HTTP.send(HttpRequest.newBuilder(URI.create(edgeUrl("/live/hall/comments/index.json")))
                .header("Cache-Control", "no-cache").header("Pragma", "no-cache").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(header(revalidated, "X-Cache-Status")).as("the page's index poll (fetch with cache: 'no-cache') is answered by the edge")
                .isIn("HIT", "STALE", "UPDATING");
        String path = "/live/hall/comments/" + window + ".json";
        HttpResponse<byte[]> first = get(path);
        HttpResponse<byte[]> second = get(path);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(header(first, "Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
        assertThat(header(second, "X-Cache-Status")).as("second GET of %s", path).isEqualTo("HIT");
        assertThat(second.body()).isEqualTo(first.body());
        JsonObject object = new JsonObject(new String(second.body(), StandardCharsets.UTF_8));
        assertThat(object.getJsonArray("comments").stream().map(c -> ((JsonObject) c).getString("id")))
                .contains(answer.getString("id"));
    }

    @Test
    void theRoomsEventStreamPassesThroughUnbuffered() throws Exception {
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create(edgeUrl("/api/rooms/hall/events")))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(header(r, "Content-Type")).startsWith("text/event-stream");
            CompletableFuture<String> firstEvent = CompletableFuture.supplyAsync(() -> {
                try {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith("event: ")) {
                            return line;
                        }
                    }
                    return "end of stream";
                } catch (IOException e) {
                    return e.toString();
                }
            });
            assertThat(firstEvent.get(10, TimeUnit.SECONDS)).isEqualTo("event: program");
        }
    }

    @Test
    void theOriginsMetricsAreNotServedByTheEdge() throws Exception {
        assertThat(get("/metrics").statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> origin(String method, String path, String bearer, String json) throws Exception {
        return TestSupport.send(server, method, path, bearer, json);
    }

    /** Tells nginx to reload its configuration (and the map of private rooms), as an operator would. */
    private static void reloadEdge() throws Exception {
        assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(edge.pid())).start().waitFor()).isZero();
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void aPrivateRoomNeedsAViewerLinkAtTheOriginAndAtTheEdge() throws Exception {
        String admin = Files.readString(dataDir.resolve("admin-token")).strip();
        HttpResponse<String> made = origin("POST", "/api/rooms", admin, "{\"name\":\"board\",\"title\":\"Board meeting\","
                + "\"visibility\":\"private\",\"settings\":{\"canvas\":\"640x360\",\"ladder\":\"180p:320x180:250k\","
                + "\"preset\":\"ultrafast\"}}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Integer> board = CompletableFuture.supplyAsync(() -> {
            try {
                return SyntheticPublisher.publish(rtmpUrl(server, new JsonObject(made.body()).getString("streamKey") + "?name=Chair"),
                        40 * SyntheticPublisher.FPS, 120, true, stop);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            String a = new JsonObject(origin("POST", "/api/rooms/board/viewer-links", admin, "{\"ttl\":3600}").body()).getString("query");
            String b = new JsonObject(origin("POST", "/api/rooms/board/viewer-links", admin, "{\"ttl\":7200}").body()).getString("query");
            assertThat(a).matches("e=[0-9]+&s=[A-Za-z0-9_-]{22}").isNotEqualTo(b);

            // the origin: the page, the room's description, playlists and comment objects only with a link
            assertThat(origin("GET", "/watch/board", null, null).statusCode()).isEqualTo(403);
            assertThat(origin("GET", "/watch/board?" + a, null, null).statusCode()).isEqualTo(200);
            assertThat(origin("GET", "/api/rooms/board", null, null).statusCode()).isEqualTo(404);
            assertThat(new JsonObject(origin("GET", "/api/rooms/board?" + a, null, null).body()).getString("title")).isEqualTo("Board meeting");
            assertThat(origin("POST", "/api/rooms/board/viewer-token", null, "{}").statusCode()).isEqualTo(403);
            assertThat(origin("POST", "/api/rooms/board/viewer-token?" + a, null, "{}").statusCode()).isEqualTo(201);
            assertThat(origin("GET", "/live/board/comments/index.json", null, null).statusCode()).isEqualTo(403);
            assertThat(origin("GET", "/live/board/comments/index.json?" + a, null, null).statusCode()).isEqualTo(200);
            Awaitility.await("the private room's playlist at the origin").atMost(TIMEOUT).until(() ->
                    origin("GET", "/live/board/master.m3u8?" + a, null, null).statusCode() == 200);
            String master = origin("GET", "/live/board/master.m3u8?" + a, null, null).body();
            assertThat(master.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList()).allMatch(l -> l.endsWith("?" + a));
            assertThat(origin("GET", "/live/board/master.m3u8", null, null).statusCode()).isEqualTo(403);
            assertThat(origin("GET", "/live/board/master.m3u8?" + a.replaceFirst("s=.", "s=x"), null, null).statusCode()).isEqualTo(403);
            String shortLived = new JsonObject(origin("POST", "/api/rooms/board/viewer-links", admin, "{\"ttl\":1}").body()).getString("query");
            Thread.sleep(2100);
            HttpResponse<String> expired = origin("GET", "/live/board/master.m3u8?" + shortLived, null, null);
            assertThat(expired.statusCode()).isEqualTo(403);
            assertThat(expired.body()).contains("expired");

            // the edge, once it has the origin's map: refuses by itself, and keeps one copy of a segment for every link
            reloadEdge();
            Awaitility.await("the edge refusing the private room by itself").atMost(TIMEOUT).until(() -> {
                HttpResponse<byte[]> r = get("/live/board/master.m3u8");
                return r.statusCode() == 403 && text(r).contains("valid viewer link");
            });
            String[] segment = new String[1];
            Awaitility.await("a segment of the private room through the edge").atMost(TIMEOUT).until(() -> {
                String video = TestSupport.mediaPlaylists(edgeUrl("/live/board/master.m3u8?" + a),
                        text(get("/live/board/master.m3u8?" + a))).get(0);
                List<String> segs = text(get(URI.create(video).getRawPath() + "?" + URI.create(video).getRawQuery())).lines()
                        .filter(l -> l.contains(".m4s")).toList();
                if (segs.isEmpty()) {
                    return false;
                }
                segment[0] = URI.create(video).resolve(segs.get(segs.size() - 1)).getRawPath();
                return true;
            });
            HttpResponse<byte[]> withA = get(segment[0] + "?" + a);
            HttpResponse<byte[]> withB = get(segment[0] + "?" + b);
            assertThat(withA.statusCode()).isEqualTo(200);
            assertThat(withB.statusCode()).isEqualTo(200);
            assertThat(header(withB, "X-Cache-Status")).as("another link, the same cached segment").isEqualTo("HIT");
            assertThat(withB.body()).isEqualTo(withA.body());
            HttpResponse<byte[]> without = get(segment[0]);
            assertThat(without.statusCode()).as("a cached segment without a link").isEqualTo(403);
            assertThat(text(without)).contains("valid viewer link");

            // FFmpeg's HLS demuxer plays the room through the edge from the link alone (the playlists carry it)
            FFmpegFrameGrabber g = new FFmpegFrameGrabber(edgeUrl("/live/board/master.m3u8?" + a));
            g.setOption("rw_timeout", "10000000");
            int frames = 0;
            try {
                g.start();
                Frame f;
                while (frames < 30 && (f = g.grab()) != null) {
                    if (f.image != null) {
                        frames++;
                    }
                }
            } finally {
                g.stop();
                g.release();
            }
            assertThat(frames).isEqualTo(30);

            // a new secret: every link given out stops, at the origin at once, at the edge once it reloads the map
            Path map = dataDir.resolve(AmphiServer.ROOM_SECRETS_MAP);
            String before = Files.readString(map);
            assertThat(before).contains("\nboard ");
            assertThat(origin("POST", "/api/rooms/board/viewer-secret", admin, null).statusCode()).isEqualTo(200);
            assertThat(origin("GET", "/live/board/master.m3u8?" + a, null, null).statusCode()).isEqualTo(403);
            Awaitility.await("the origin's map rewritten").atMost(TIMEOUT).until(() -> {
                String now = Files.readString(map);
                return now.contains("\nboard ") && !now.equals(before);
            });
            reloadEdge();
            Awaitility.await("the edge refusing the old link for a cached segment").atMost(TIMEOUT)
                    .until(() -> get(segment[0] + "?" + a).statusCode() == 403);
            String c = new JsonObject(origin("POST", "/api/rooms/board/viewer-links", admin, null).body()).getString("query");
            assertThat(get(segment[0] + "?" + c).statusCode()).as("a new link").isEqualTo(200);
        } finally {
            stop.set(true);
            board.handle((n, e) -> n).get(20, TimeUnit.SECONDS);
        }
    }
}
