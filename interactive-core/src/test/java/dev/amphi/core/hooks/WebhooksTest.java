package dev.amphi.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhooksTest {

    private static final byte[] SECRET = "a shared webhook secret".getBytes(StandardCharsets.UTF_8);
    private static final Webhooks.Settings FAST = new Webhooks.Settings(4, Duration.ofMillis(50), Duration.ofMillis(200),
            Duration.ofSeconds(2), 100);

    /** One request as the receiver saw it. */
    record Received(String event, String delivery, int attempt, String timestamp, String signature, String body) {
    }

    private Vertx vertx;
    private HttpServer server;
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private volatile IntSupplier status = () -> 200;
    private Webhooks hooks;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            received.add(new Received(req.getHeader("Amphi-Event"), req.getHeader("Amphi-Delivery"),
                    Integer.parseInt(req.getHeader("Amphi-Attempt")), req.getHeader("Amphi-Timestamp"),
                    req.getHeader("Amphi-Signature"), b.toString(StandardCharsets.UTF_8)));
            req.response().setStatusCode(status.getAsInt()).end("{}");
        })).listen(0, "127.0.0.1").await();
    }

    @AfterEach
    void stop() {
        if (hooks != null) {
            hooks.close();
        }
        vertx.close().await();
    }

    private Webhooks hooks(Webhooks.Settings settings) {
        hooks = new Webhooks(vertx, List.of(URI.create("http://127.0.0.1:" + server.actualPort() + "/hooks")), SECRET, settings,
                Clock.systemUTC());
        return hooks;
    }

    @Test
    void anEventArrivesSignedWithItsTypeRoomAndData() throws Exception {
        hooks(FAST).publish(Webhooks.SPEAKER_JOINED, "panel", new JsonObject().put("speaker", "alice").put("displayName", "Alice"));
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        Received r = received.peek();
        JsonObject event = new JsonObject(r.body());
        assertThat(event.getString("type")).isEqualTo("speaker.joined").isEqualTo(r.event());
        assertThat(event.getString("room")).isEqualTo("panel");
        assertThat(event.getJsonObject("data").getString("displayName")).isEqualTo("Alice");
        assertThat(event.getString("id")).isEqualTo(r.delivery());
        assertThat(r.attempt()).isEqualTo(1);
        assertThat(Long.parseLong(r.timestamp())).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(5L));
        assertThat(r.signature()).as("what a receiver computes with the shared secret").isEqualTo("sha256=" + hmac(SECRET, r.timestamp(), r.body()));
        assertThat(r.signature()).isNotEqualTo("sha256=" + hmac("another secret".getBytes(StandardCharsets.UTF_8), r.timestamp(), r.body()));
        await().atMost(Duration.ofSeconds(5)).until(() -> hooks.delivered() == 1 && hooks.pending() == 0);
    }

    @Test
    void aFailedDeliveryIsTriedAgainWithTheSameIdUntilItIsTaken() {
        AtomicInteger calls = new AtomicInteger();
        status = () -> calls.incrementAndGet() <= 2 ? 500 : 204;
        hooks(FAST).publish(Webhooks.ROOM_LIVE, "lobby", new JsonObject());
        await().atMost(Duration.ofSeconds(5)).until(() -> hooks.delivered() == 1);
        assertThat(received).extracting(Received::attempt).containsExactly(1, 2, 3);
        assertThat(received).extracting(Received::delivery).containsOnly(received.peek().delivery());
        assertThat(received).allSatisfy(r -> assertThat(r.signature()).isEqualTo("sha256=" + hmac(SECRET, r.timestamp(), r.body())));
        assertThat(hooks.retried()).isEqualTo(2);
        assertThat(hooks.failed()).isZero();
        assertThat(hooks.pending()).isZero();
    }

    @Test
    void aReceiverThatNeverTakesItIsGivenUpAfterTheLastTry() {
        status = () -> 503;
        hooks(FAST).publish(Webhooks.ROOM_ENDED, "lobby", new JsonObject());
        await().atMost(Duration.ofSeconds(5)).until(() -> hooks.failed() == 1);
        assertThat(received).hasSize(FAST.attempts());
        assertThat(hooks.delivered()).isZero();
        assertThat(hooks.pending()).isZero();
    }

    @Test
    void anUnreachableReceiverIsRetriedAndCostsBoundedMemory() throws Exception {
        int port = server.actualPort();
        server.close().await(); // nothing listens there now: every connection is refused
        hooks = new Webhooks(vertx, List.of(URI.create("http://127.0.0.1:" + port + "/")), SECRET,
                new Webhooks.Settings(3, Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(1), 5), Clock.systemUTC());
        for (int i = 0; i < 20; i++) {
            hooks.publish(Webhooks.COMMENT_FLAGGED, "lobby", new JsonObject().put("n", i));
        }
        assertThat(hooks.dropped()).as("beyond 5 waiting, events are dropped and counted").isEqualTo(15);
        await().atMost(Duration.ofSeconds(5)).until(() -> hooks.failed() == 5);
        assertThat(hooks.pending()).isZero();
    }

    @Test
    void badUrlsAndAnEmptySecretAreRefused() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new Webhooks(vertx, List.of(URI.create("ftp://example/")), SECRET, FAST, Clock.systemUTC()))
                .withMessageContaining("http:// or https://");
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new Webhooks(vertx, List.of(URI.create("http://127.0.0.1/")), new byte[0], FAST, Clock.systemUTC()))
                .withMessageContaining("secret");
    }

    private static String hmac(byte[] secret, String timestamp, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
    }
}
