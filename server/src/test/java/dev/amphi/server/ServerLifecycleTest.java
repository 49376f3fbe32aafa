package dev.amphi.server;

import static dev.amphi.server.TestSupport.get;
import static dev.amphi.server.TestSupport.httpUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting, printing, restarting and stopping the whole server. */
class ServerLifecycleTest {

    @TempDir
    Path dataDir;

    private static String urls(AmphiServer server) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        server.printUrls(new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsPublishAndWatchUrlsOnTheirOwnLines() throws Exception {
        try (AmphiServer server = TestSupport.start(dataDir)) {
            assertThat(urls(server).lines()).containsExactly(
                    "RTMP publish: rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + server.lobbyKey(),
                    "Watch: http://127.0.0.1:" + server.httpPort() + "/watch/lobby");
        }
        try (AmphiServer server = TestSupport.start(dataDir, "--public-host", "live.example.org", "--room", "a=a-room-stream-key-0123")) {
            assertThat(urls(server)).contains("rtmp://live.example.org:", "Watch: http://live.example.org:",
                    "Rooms: 1 more configured");
        }
        try (AmphiServer server = TestSupport.start(dataDir, "--room-mode", "composite")) {
            assertThat(urls(server).lines()).contains(
                    "Speak from a browser: http://127.0.0.1:" + server.httpPort() + "/join/lobby (WebRTC on UDP " + server.webrtcPort() + ")",
                    "WHIP publish (OBS: Service WHIP, Bearer Token = the key): http://127.0.0.1:" + server.httpPort() + "/api/rooms/lobby/whip");
        }
    }

    @Test
    void lobbyKeyIsGeneratedOnceAndSurvivesRestarts() throws Exception {
        String first;
        try (AmphiServer server = TestSupport.start(dataDir)) {
            first = server.lobbyKey();
        }
        assertThat(first).matches("[A-Za-z0-9_-]{20,}");
        assertThat(Files.readString(dataDir.resolve("lobby.key")).strip()).isEqualTo(first);
        try (AmphiServer server = TestSupport.start(dataDir)) {
            assertThat(server.lobbyKey()).isEqualTo(first);
            assertThat(server.rooms().byStreamKey(first)).isPresent();
        }
        try (AmphiServer server = TestSupport.start(dataDir, "--lobby-key", "configured-stream-key-0123")) {
            assertThat(server.lobbyKey()).isEqualTo("configured-stream-key-0123");
            assertThat(server.rooms().byStreamKey(first)).isEmpty();
        }
        assertThat(Files.readString(dataDir.resolve("lobby.key")).strip()).as("the stored key is kept").isEqualTo(first);
    }

    @Test
    void healthAndRoomsReflectTheRunningServer() throws Exception {
        try (AmphiServer server = TestSupport.start(dataDir, "--room", "math-101=math-101-stream-key-0123=Math 101")) {
            TestSupport.Response health = get(httpUrl(server, "/health"));
            assertThat(health.status()).isEqualTo(200);
            JsonObject h = new JsonObject(health.body());
            assertThat(h.getBoolean("ok")).isTrue();
            assertThat(h.getJsonObject("rtmp").getInteger("port")).isEqualTo(server.rtmpPort());
            assertThat(h.getJsonObject("http").getInteger("port")).isEqualTo(server.httpPort());
            assertThat(h.getJsonArray("liveRooms")).isEmpty();

            TestSupport.Response rooms = get(httpUrl(server, "/api/rooms"));
            assertThat(rooms.body()).isEqualTo("[{\"name\":\"lobby\",\"title\":\"Lobby\",\"live\":false,\"description\":\"\","
                    + "\"scheduledStart\":null,\"status\":\"scheduled\"},{\"name\":\"math-101\",\"title\":\"Math 101\",\"live\":false,"
                    + "\"description\":\"\",\"scheduledStart\":null,\"status\":\"scheduled\"}]");
            assertThat(get(httpUrl(server, "/watch/math-101")).status()).isEqualTo(200);
            assertThat(get(httpUrl(server, "/live/math-101/master.m3u8")).status()).as("not live: no playlist").isEqualTo(404);

            TestSupport.Response metrics = get(httpUrl(server, "/metrics"));
            assertThat(metrics.body()).contains("amphi_rtmp_connections_open", "amphi_rooms_live 0.0",
                    "amphi_fanout_dropped_total{kind=\"audio\",room=\"math-101\"}", "jvm_gc_");
        }
    }

    @Test
    void closeDisconnectsPublishersAndEndsTheirRooms() throws Exception {
        SyntheticPublisher.warmUp();
        AmphiServer server = TestSupport.start(dataDir);
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Integer> publisher = CompletableFuture.supplyAsync(() -> {
            try {
                return SyntheticPublisher.publish(TestSupport.rtmpUrl(server, server.lobbyKey()), 60 * SyntheticPublisher.FPS, 80, true, stop);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            TestSupport.await(Duration.ofSeconds(30), "the lobby to go live", () -> server.rooms().isLive("lobby"));
            long start = System.nanoTime();
            server.close();
            assertThat(server.rooms().isLive("lobby")).isFalse();
            assertThatThrownBy(() -> publisher.get(20, TimeUnit.SECONDS))
                    .as("the publisher sees its connection closed").isInstanceOf(ExecutionException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        } finally {
            stop.set(true);
            server.close();
        }
    }

    @Test
    void busyHttpPortIsNamed() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> TestSupport.start(dataDir, "--http-port", Integer.toString(busy.getLocalPort())))
                    .hasMessageContaining("cannot listen for HTTP on 127.0.0.1:" + busy.getLocalPort());
        }
    }

    @Test
    void closeReleasesBothPorts() throws Exception {
        AmphiServer server = TestSupport.start(dataDir);
        int http = server.httpPort();
        int rtmp = server.rtmpPort();
        server.close();
        server.close();
        for (int port : new int[] {http, rtmp}) {
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                assertThat(s.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void busyPortFailsTheStartAndLeavesNothingBound() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int httpPort = probe.getLocalPort();
            probe.close();
            assertThatThrownBy(() -> TestSupport.start(dataDir, "--http-port", Integer.toString(httpPort),
                    "--rtmp-port", Integer.toString(busy.getLocalPort())))
                    .hasMessageContaining("cannot listen for RTMP on 127.0.0.1:" + busy.getLocalPort());
            try (ServerSocket again = new ServerSocket(httpPort, 1, InetAddress.getByName("127.0.0.1"))) {
                assertThat(again.getLocalPort()).as("HTTP port released after the failed start").isEqualTo(httpPort);
            }
        }
    }
}
