package dev.amphi.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks as a receiver sees them: a local HTTP server gets signed events when FFmpeg's RTMP
 * client publishes a speaker into a composited room (room.live, speaker.joined with the name from
 * {@code KEY?name=}), when the speaker is gone and the program stops (speaker.left, room.ended),
 * and when a viewer's comment is held for approval (comment.flagged); the first delivery is
 * answered 500 and arrives again.
 */
class WebhookServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(40);
    private static final String SECRET = "the receivers' shared secret";

    /** A request the receiver took (answered 2xx). */
    record Hook(String type, String room, JsonObject data, String delivery, int attempt, String timestamp, String signature,
                String body) {
    }

    @TempDir
    Path dataDir;
    private Vertx vertx;
    private HttpServer receiver;
    private final List<Hook> hooks = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private AmphiServer server;

    @BeforeEach
    void startReceiver() {
        vertx = Vertx.vertx();
        receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            if (requests.incrementAndGet() == 1) { // the very first delivery fails: it must come again
                req.response().setStatusCode(500).end();
                return;
            }
            JsonObject event = new JsonObject(b.toString(StandardCharsets.UTF_8));
            hooks.add(new Hook(req.getHeader("Amphi-Event"), event.getString("room"), event.getJsonObject("data"),
                    req.getHeader("Amphi-Delivery"), Integer.parseInt(req.getHeader("Amphi-Attempt")), req.getHeader("Amphi-Timestamp"),
                    req.getHeader("Amphi-Signature"), b.toString(StandardCharsets.UTF_8)));
            req.response().setStatusCode(204).end();
        })).listen(0, "127.0.0.1").await();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        vertx.close().await();
    }

    private String receiverUrl() {
        return "http://127.0.0.1:" + receiver.actualPort() + "/amphi-events";
    }

    private Optional<Hook> hook(String type, String room) {
        return hooks.stream().filter(h -> h.type().equals(type) && h.room().equals(room)).findFirst();
    }

    @Test
    void aSpeakersComingAndGoingReachTheReceiverSignedAndRetried() throws Exception {
        SyntheticPublisher.warmUp();
        server = TestSupport.start(dataDir, "--room-mode", "composite", "--room", "panel=panel-stream-key-0123",
                "--canvas", "640x360", "--ladder", "180p:320x180:250k", "--preset", "ultrafast", "--segment-duration", "1s",
                "--webhook", receiverUrl(), "--webhook-secret", SECRET);
        AtomicBoolean stopPublishing = new AtomicBoolean();
        CompletableFuture<Integer> publisher = CompletableFuture.supplyAsync(() -> {
            try {
                return SyntheticPublisher.publish(TestSupport.rtmpUrl(server, "panel-stream-key-0123?name=Ada%20Lovelace"), 3000, 180,
                        true, stopPublishing);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            await().atMost(TIMEOUT).until(() -> hook("speaker.joined", "panel").isPresent() && hook("room.live", "panel").isPresent());
        } finally {
            stopPublishing.set(true);
        }
        publisher.get();
        Hook joined = hook("speaker.joined", "panel").orElseThrow();
        assertThat(joined.data().getString("displayName")).isEqualTo("Ada Lovelace");
        String speaker = joined.data().getString("speaker");
        assertThat(hook("room.live", "panel").orElseThrow().data().getString("title")).isEqualTo("panel");

        // the speaker's rejoin grace and the idle program's stop, without waiting the minute they take
        ProgramRoom panel = server.programRooms().stream().filter(p -> p.room().name().equals("panel")).findFirst().orElseThrow();
        await().atMost(TIMEOUT).until(() -> {
            panel.idleCheck(System.nanoTime()); // notes when the room became idle (if it is)
            panel.idleCheck(System.nanoTime() + ProgramRoom.IDLE_STOP_NANOS + 1_000_000_000L); // and a minute later
            return hook("speaker.left", "panel").isPresent() && hook("room.ended", "panel").isPresent();
        });
        assertThat(hook("speaker.left", "panel").orElseThrow().data().getString("speaker")).isEqualTo(speaker);

        assertThat(requests.get()).as("the 500 was followed by another try").isEqualTo(hooks.size() + 1);
        assertThat(hooks).filteredOn(h -> h.attempt() == 2).as("the failed delivery, again").hasSize(1);
        for (Hook h : hooks) {
            assertThat(h.signature()).isEqualTo("sha256=" + hmac(SECRET.getBytes(StandardCharsets.UTF_8), h.timestamp(), h.body()));
        }
        String metrics = TestSupport.get(TestSupport.httpUrl(server, "/metrics")).body();
        assertThat(metrics).contains("amphi_webhook_deliveries_total{result=\"retried\"} 1.0")
                .contains("amphi_webhook_deliveries_total{result=\"delivered\"} " + hooks.size() + ".0");
    }

    @Test
    void aHeldCommentIsFlaggedWithTheSecretKeptInTheDataDirectory() throws Exception {
        server = TestSupport.start(dataDir, "--comments-hold", "on", "--webhook", receiverUrl());
        HttpClient http = HttpClient.newHttpClient();
        String token = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(TestSupport.httpUrl(server, "/api/rooms/lobby/viewer-token")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString()).body()).getString("token");
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(TestSupport.httpUrl(server, "/api/rooms/lobby/comments")))
                .header("Content-Type", "application/json").header("Authorization", "Viewer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"a question for the panel\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).isEqualTo(201);
        assertThat(new JsonObject(posted.body()).getBoolean("held")).isTrue();

        await().atMost(TIMEOUT).until(() -> hook("comment.flagged", "lobby").isPresent());
        Hook flagged = hook("comment.flagged", "lobby").orElseThrow();
        assertThat(flagged.data().getString("text")).isEqualTo("a question for the panel");
        assertThat(flagged.data().getString("reason")).isEqualTo("held");
        assertThat(flagged.data().getString("comment")).isEqualTo(new JsonObject(posted.body()).getString("id"));
        assertThat(flagged.attempt()).as("its first try was answered 500").isEqualTo(2);
        byte[] kept = Files.readString(dataDir.resolve("webhook-secret")).strip().getBytes(StandardCharsets.UTF_8);
        assertThat(flagged.signature()).isEqualTo("sha256=" + hmac(kept, flagged.timestamp(), flagged.body()));
    }

    private static String hmac(byte[] secret, String timestamp, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    }
}
