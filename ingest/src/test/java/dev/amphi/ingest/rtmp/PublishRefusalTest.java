package dev.amphi.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.ingest.rtmp.RtmpListener.Refusal;
import dev.amphi.ingest.rtmp.testing.LogCapture;
import dev.amphi.ingest.rtmp.testing.RawRtmpClient;
import dev.amphi.ingest.rtmp.testing.RecordingListener;
import dev.amphi.ingest.rtmp.testing.TestAuthorizer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Refused publishers: wrong keys are throttled per address and counted; stream keys, right or
 * wrong, are never sent back nor logged.
 */
class PublishRefusalTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String GOOD = "good-key-0123456789";

    private final TestAuthorizer authorizer = new TestAuthorizer().key(GOOD, "lobby");
    private final RecordingListener listener = new RecordingListener();
    private final RtmpServer server;

    PublishRefusalTest() throws InterruptedException {
        server = RtmpServer.builder().bind("127.0.0.1").port(0).authorizer(authorizer).listener(listener)
                .failedPublishLimit(3, Duration.ofMinutes(1)).build().start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** One publish attempt from {@code from}; returns {code, description} of the answer. */
    private String[] attempt(String from, String key) throws Exception {
        try (RawRtmpClient c = RawRtmpClient.openFrom(server.port(), from).handshake()) {
            c.connect("live");
            String[] status = c.publish(c.createStream(), key);
            assertThat(c.awaitClosed(WAIT)).isTrue();
            return status;
        }
    }

    @Test
    void anAddressWithTooManyWrongKeysIsRefusedWithoutAskingAndOthersAreNot() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(attempt("127.0.0.1", "guess-" + i)).containsExactly("NetStream.Publish.BadName", "unknown stream key");
        }
        String[] throttled = attempt("127.0.0.1", GOOD);
        assertThat(throttled[0]).isEqualTo("NetStream.Publish.Rejected");
        assertThat(throttled[1]).matches("too many failed publish attempts from this address; try again in [0-9]+ s");
        assertThat(authorizer.requests).as("the authorizer was not asked the fourth time").hasSize(3);
        assertThat(listener.refusals).containsExactly(Refusal.WRONG_KEY, Refusal.WRONG_KEY, Refusal.WRONG_KEY, Refusal.THROTTLED);

        // another address (a colleague elsewhere) is not affected
        RawRtmpClient.publishOneKeyframe(RawRtmpClient.openFrom(server.port(), "127.0.0.2"), GOOD, authorizer.sink("lobby"), WAIT);
    }

    @Test
    void refusalsOfAValidKeyAreNotCountedAgainstTheAddress() throws Exception {
        try (RtmpServer s = RtmpServer.builder().bind("127.0.0.1").port(0).listener(listener)
                .failedPublishLimit(1, Duration.ofMinutes(1))
                .authorizer(r -> java.util.concurrent.CompletableFuture.completedFuture(
                        dev.amphi.ingest.PublishDecision.reject("room lobby is full"))).build().start()) {
            for (int i = 0; i < 3; i++) {
                try (RawRtmpClient c = RawRtmpClient.open(s.port()).handshake()) {
                    c.connect("live");
                    assertThat(c.publish(c.createStream(), GOOD)).containsExactly("NetStream.Publish.BadName", "room lobby is full");
                }
            }
        }
        assertThat(listener.refusals).containsExactly(Refusal.REFUSED, Refusal.REFUSED, Refusal.REFUSED);
    }

    @Test
    void streamKeysAreNeverSentBackNorLogged() throws Exception {
        String wrong = "wrong-key-secret-42";
        try (LogCapture log = new LogCapture()) {
            try (RawRtmpClient c = RawRtmpClient.open(server.port()).handshake()) {
                c.connect("live");
                c.command(0, "releaseStream", 2.0, null, wrong);
                c.command(0, "FCPublish", 3.0, null, wrong);
                List<Object> fc = c.awaitCommand("onFCPublish", WAIT);
                assertThat(fc.toString()).doesNotContain(wrong);
                String[] status = c.publish(c.createStream(), wrong + "?name=Ada");
                assertThat(status[0]).isEqualTo("NetStream.Publish.BadName");
                assertThat(String.join(" ", status)).doesNotContain(wrong);
            }
            try (RawRtmpClient c = RawRtmpClient.open(server.port()).handshake()) {
                c.connect("live/" + wrong); // the key in the server URL, as a misconfigured encoder sends it
                assertThat(String.join(" ", c.publish(c.createStream(), "other-key"))).doesNotContain(wrong);
            }
            try (RawRtmpClient c = RawRtmpClient.open(server.port()).handshake()) {
                c.connect("live");
                c.command(0, "FCPublish", 3.0, null, GOOD);
                assertThat(((Map<?, ?>) c.awaitCommand("onFCPublish", WAIT).get(3)).get("description")).isEqualTo("FCPublish received.");
                String[] status = c.publish(c.createStream(), GOOD);
                assertThat(status).containsExactly("NetStream.Publish.Start", "lobby is now published.");
            }
            authorizer.sink("lobby").awaitEnds(1, WAIT);
            assertThat(log.lines()).isNotEmpty().noneMatch(l -> l.contains(wrong) || l.contains(GOOD));
        }
    }
}
