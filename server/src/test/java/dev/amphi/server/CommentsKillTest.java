package dev.amphi.server;

import static dev.amphi.server.TestSupport.httpUrl;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server in a JVM of its own takes a burst of comments over HTTP, is killed with SIGKILL
 * right after the last {@code 201}, and after a restart on the same data directory its host's export
 * holds every comment that was acknowledged.
 */
class CommentsKillTest {

    private static final String KEY = "kill-test-lobby-key-0123";
    /** Viewers' posts come from four loopback addresses, each within its burst of 30 (ten viewers of three). */
    private static final int ADDRESSES = 4;
    private static final int VIEWERS_PER_ADDRESS = 10;
    private static final int POSTS_PER_VIEWER = 3;

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void killMinusNineAfterABurstLosesNoAcknowledgedComment() throws Exception {
        TestSupport.ServerProcess spawned = TestSupport.spawn(dataDir, "--lobby-key", KEY);
        Process server = spawned.process();
        CompletableFuture<Integer> port = spawned.httpPort();
        Set<String> acknowledged = new HashSet<>();
        try {
            int httpPort = port.get(120, TimeUnit.SECONDS);
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < ADDRESSES * VIEWERS_PER_ADDRESS; i++) {
                HttpResponse<String> t = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/rooms/lobby/viewer-token"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(t.statusCode()).isEqualTo(201);
                tokens.add(new JsonObject(t.body()).getString("token"));
            }
            ExecutorService pool = Executors.newFixedThreadPool(32);
            try {
                List<Future<String>> posts = new ArrayList<>();
                for (int post = 0; post < POSTS_PER_VIEWER; post++) {
                    for (int v = 0; v < tokens.size(); v++) {
                        InetAddress from = InetAddress.getByName("127.0.0." + (2 + v / VIEWERS_PER_ADDRESS));
                        String token = tokens.get(v);
                        String text = "burst " + v + "." + post + " <b>" + "👏".repeat(post + 1) + "</b>";
                        posts.add(pool.submit(() -> post(httpPort, from, token, text)));
                    }
                }
                for (Future<String> p : posts) {
                    String answer = p.get(60, TimeUnit.SECONDS);
                    assertThat(answer).as("every post of the burst is acknowledged").startsWith("HTTP/1.1 201");
                    acknowledged.add(new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4)).getString("id"));
                }
            } finally {
                pool.shutdownNow();
            }
            server.destroyForcibly(); // SIGKILL, right after the last 201
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        } catch (Exception | AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nthe server's output:\n" + spawned.printed(), e);
        } finally {
            server.destroyForcibly();
        }
        assertThat(acknowledged).hasSize(ADDRESSES * VIEWERS_PER_ADDRESS * POSTS_PER_VIEWER);

        try (AmphiServer restarted = TestSupport.start(dataDir, "--lobby-key", KEY)) {
            HttpResponse<String> export = http.send(HttpRequest.newBuilder(URI.create(httpUrl(restarted, "/api/rooms/lobby/comments?format=json")))
                    .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(export.statusCode()).isEqualTo(200);
            JsonArray comments = new JsonArray(export.body());
            Set<String> kept = new HashSet<>();
            for (int i = 0; i < comments.size(); i++) {
                kept.add(comments.getJsonObject(i).getString("id"));
            }
            assertThat(kept).as("every acknowledged comment after the restart").containsAll(acknowledged);
            assertThat(comments.getJsonObject(0).getString("text")).matches("burst \\d+\\.\\d <b>👏+</b>");
        }
    }

    /** A comment posted over a connection from {@code from} (the flood limits count per address); the whole answer. */
    private static String post(int port, InetAddress from, String token, String text) throws IOException {
        byte[] body = new JsonObject().put("text", text).encode().getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(30_000);
            String head = "POST /api/rooms/lobby/comments HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Viewer " + token
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().write(body);
            s.getOutputStream().flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            s.getInputStream().transferTo(answer); // Connection: close: the answer ends with the connection
            return answer.toString(StandardCharsets.UTF_8);
        }
    }
}
