package dev.amphi.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.amphi.ingest.rtmp.message.MessageType;
import dev.amphi.ingest.rtmp.testing.FlvBodies;
import dev.amphi.ingest.rtmp.testing.RawRtmpClient;
import dev.amphi.ingest.rtmp.testing.RecordingListener;
import dev.amphi.ingest.rtmp.testing.TestAuthorizer;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection keeps its place only by publishing: it must start within the publish timeout of its
 * handshake and then send audio or video at least once per idle timeout. A trickle of other bytes
 * (here: ping requests written one byte at a time) does not count.
 */
class ConnectionDeadlineTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration TRICKLE = Duration.ofMillis(100);

    private final TestAuthorizer authorizer = new TestAuthorizer().key("good", "lobby");
    private final RecordingListener listener = new RecordingListener();
    private final List<RawRtmpClient> clients = new ArrayList<>();
    private RtmpServer server;

    @AfterEach
    void stop() throws IOException {
        for (RawRtmpClient c : clients) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(int maxConnections) throws InterruptedException {
        server = RtmpServer.builder().bind("127.0.0.1").port(0).authorizer(authorizer).listener(listener)
                .maxConnections(maxConnections).publishTimeout(Duration.ofSeconds(1)).idleTimeout(Duration.ofSeconds(1))
                .build().start();
    }

    private RawRtmpClient connected() throws IOException {
        RawRtmpClient c = RawRtmpClient.open(server.port()).handshake();
        clients.add(c);
        c.connect("live");
        return c;
    }

    /** Ping requests, enough to trickle one byte per {@link #TRICKLE} for much longer than any deadline here. */
    private static byte[] pings(RawRtmpClient c) {
        List<byte[]> parts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            parts.add(c.encode(2, MessageType.USER_CONTROL, 0, 0, new byte[] {0, 6, 0, 0, 0, (byte) i}));
        }
        return FlvBodies.cat(parts.toArray(byte[][]::new));
    }

    @Test
    void aConnectionThatTricklesBytesWithoutPublishingIsClosedAtThePublishDeadline() throws Exception {
        start(1000);
        RawRtmpClient c = connected();
        long t0 = System.nanoTime();
        assertThat(c.trickle(pings(c), TRICKLE)).as("closed by the server while trickling").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("closed at the deadline, not later").isLessThan(Duration.ofSeconds(4));
        assertThat(listener.awaitError("did not start publishing within 1000 ms", WAIT)).isNotNull();
    }

    @Test
    void aPublisherThatTricklesBytesButNoMediaIsClosedAfterTheIdleTimeout() throws Exception {
        start(1000);
        RawRtmpClient c = connected();
        int id = c.createStream();
        assertThat(c.publish(id, "good")[0]).isEqualTo("NetStream.Publish.Start");
        c.send(6, MessageType.AUDIO, id, 0, FlvBodies.aacSequenceHeader());
        long t0 = System.nanoTime();
        assertThat(c.trickle(pings(c), TRICKLE)).as("closed by the server while trickling").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("closed at the deadline, not later").isLessThan(Duration.ofSeconds(4));
        assertThat(listener.awaitError("no audio or video for 1000 ms while publishing", WAIT)).isNotNull();
        authorizer.sink("lobby").awaitEnds(1, WAIT);
    }

    @Test
    void aPublisherSendingMediaStaysPastTheIdleTimeout() throws Exception {
        start(1000);
        RawRtmpClient c = connected();
        int id = c.createStream();
        assertThat(c.publish(id, "good")[0]).isEqualTo("NetStream.Publish.Start");
        c.send(6, MessageType.AUDIO, id, 0, FlvBodies.aacSequenceHeader());
        for (int i = 0; i < 15; i++) { // 3 s of audio, one message per 200 ms: three idle timeouts
            c.send(6, MessageType.AUDIO, id, i * 200L, FlvBodies.aacFrame(50));
            assertThat(c.awaitClosed(Duration.ofMillis(200))).as("still open after " + (i + 1) * 200 + " ms").isFalse();
        }
        authorizer.sink("lobby").await(ev -> ev.size() == 15, WAIT, "every audio frame");
        assertThat(listener.errors).isEmpty();
    }

    @Test
    void tricklingConnectionsThatFillTheServerLoseTheirPlacesAndAPublisherGetsIn() throws Exception {
        start(4);
        List<RawRtmpClient> squatters = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            squatters.add(connected());
        }
        try (Socket s = new Socket("127.0.0.1", server.port())) {   // the server is full
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        List<RawRtmpClient> open = new ArrayList<>(squatters);
        long t0 = System.nanoTime();
        while (!open.isEmpty() && System.nanoTime() - t0 < WAIT.toNanos()) {
            for (RawRtmpClient c : List.copyOf(open)) { // one byte each per round, as long as they are open
                if (c.trickle(new byte[] {2}, Duration.ofMillis(25))) {
                    open.remove(c);
                }
            }
        }
        assertThat(open).as("squatters still open").isEmpty();
        await().atMost(WAIT).untilAsserted(() -> assertThat(listener.closed).hasValue(4));
        assertThat(listener.errors).hasSize(4).allSatisfy(e -> assertThat(e).isEqualTo("did not start publishing within 1000 ms"));
        RawRtmpClient.publishOneKeyframe(server.port(), "good", authorizer.sink("lobby"), WAIT);
    }
}
