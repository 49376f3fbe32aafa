package dev.amphi.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.amphi.ingest.rtmp.RtmpListener.Refusal;
import dev.amphi.ingest.rtmp.message.MessageType;
import dev.amphi.ingest.rtmp.testing.CapturingSink;
import dev.amphi.ingest.rtmp.testing.FlvBodies;
import dev.amphi.ingest.rtmp.testing.LogCapture;
import dev.amphi.ingest.rtmp.testing.RawRtmpClient;
import dev.amphi.ingest.rtmp.testing.RecordingListener;
import dev.amphi.ingest.rtmp.testing.TestAuthorizer;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The authorizer answers when it is ready, from any thread: the publisher is answered then, on its
 * event loop, and nothing else waits for it; a connection gone meanwhile releases what was
 * granted; a failing authorizer refuses with a status, one log line and no stack trace.
 */
class AsyncAuthorizationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final TestAuthorizer authorizer = new TestAuthorizer().key("good", "lobby").key("slow", "room-a");
    private final RecordingListener listener = new RecordingListener();
    private final RtmpServer server;

    AsyncAuthorizationTest() throws InterruptedException {
        // one event loop: every connection shares it
        server = RtmpServer.builder().bind("127.0.0.1").port(0).ioThreads(1).authorizer(authorizer).listener(listener)
                .build().start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Connects and sends {@code publish key} without waiting for the answer; returns the message stream id. */
    private static int publishWithoutWaiting(RawRtmpClient c, String key) throws IOException {
        c.connect("live");
        int id = c.createStream();
        c.command(id, "publish", 0.0, null, key, "live");
        return id;
    }

    @Test
    void aPendingDecisionHoldsUpNoOtherConnectionOfItsEventLoop() throws Exception {
        CompletableFuture<Void> slow = authorizer.hold("slow");
        try (RawRtmpClient a = RawRtmpClient.open(server.port()).handshake()) {
            int id = publishWithoutWaiting(a, "slow");
            await().atMost(WAIT).until(() -> authorizer.requests.size() == 1);

            // another publisher on the same (only) event loop goes all the way while room A waits
            RawRtmpClient.publishOneKeyframe(server.port(), "good", authorizer.sink("lobby"), WAIT);
            assertThat(a.read(Duration.ofMillis(200))).as("no answer before the decision").isNull();

            CompletableFuture.runAsync(() -> slow.complete(null)).join(); // decided on another thread
            assertThat(a.awaitStatus(WAIT)[0]).isEqualTo("NetStream.Publish.Start");
            a.send(6, MessageType.VIDEO, id, 0, FlvBodies.avcSequenceHeader());
            a.send(6, MessageType.VIDEO, id, 0, FlvBodies.avcFrame(true, 0, FlvBodies.avcc(0x65, 100)));
            authorizer.sink("room-a").await(ev -> !ev.isEmpty(), WAIT, "room A's keyframe");
        }
        authorizer.sink("room-a").awaitEnds(1, WAIT);
        assertThat(listener.started).containsExactly("lobby", "room-a");
    }

    @Test
    void aConnectionClosedBeforeTheDecisionReleasesWhatWasGranted() throws Exception {
        CompletableFuture<Void> slow = authorizer.hold("slow");
        try (RawRtmpClient a = RawRtmpClient.open(server.port()).handshake()) {
            publishWithoutWaiting(a, "slow");
            await().atMost(WAIT).until(() -> authorizer.requests.size() == 1);
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(listener.closed).hasValue(1));
        slow.complete(null);

        CapturingSink sink = authorizer.sink("room-a");
        sink.awaitEnds(1, WAIT);
        assertThat(sink.session(0)).as("no packet reached the granted sink").isEmpty();
        assertThat(listener.started).as("it never started publishing").isEmpty();
        assertThat(authorizer.unpublished).isEmpty();
        assertThat(server.activePublishers()).isZero();
        // the name is free: a publisher of room A gets in
        authorizer.hold("slow");
        RawRtmpClient.publishOneKeyframe(server.port(), "slow", sink, WAIT);
    }

    @Test
    void aFailingAuthorizerRefusesWithAStatusAndOneLineWithoutAStackTrace() throws Exception {
        authorizer.fail("broken", new IllegalStateException("database unreachable"));
        try (LogCapture log = new LogCapture()) {
            for (int i = 0; i < 3; i++) {
                try (RawRtmpClient c = RawRtmpClient.open(server.port()).handshake()) {
                    c.connect("live");
                    String[] status = c.publish(c.createStream(), "broken");
                    assertThat(status[0]).isEqualTo("NetStream.Publish.Failed");
                    assertThat(status[1]).isEqualTo("the server could not decide on this publisher; try again later");
                    assertThat(c.awaitClosed(WAIT)).isTrue();
                }
            }
            assertThat(listener.refusals).containsExactly(Refusal.FAILED, Refusal.FAILED, Refusal.FAILED);
            assertThat(log.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .hasSize(3)
                    .allSatisfy(e -> {
                        assertThat(e.getFormattedMessage()).contains("database unreachable");
                        assertThat(e.getThrowableProxy()).as("no stack trace above debug").isNull();
                    });
        }
        RawRtmpClient.publishOneKeyframe(server.port(), "good", authorizer.sink("lobby"), WAIT);
    }

    @Test
    void anAuthorizerThatThrowsInsteadOfAnsweringRefusesTheSameWay() throws Exception {
        try (RtmpServer throwing = RtmpServer.builder().bind("127.0.0.1").port(0).listener(listener)
                .authorizer(r -> {
                    throw new IllegalStateException("bug");
                }).build().start();
             RawRtmpClient c = RawRtmpClient.open(throwing.port()).handshake()) {
            c.connect("live");
            assertThat(c.publish(c.createStream(), "any")[0]).isEqualTo("NetStream.Publish.Failed");
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
        assertThat(listener.refusals).containsExactly(Refusal.FAILED);
    }
}
