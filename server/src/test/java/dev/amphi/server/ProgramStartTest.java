package dev.amphi.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.amphi.ingest.rtmp.testing.RawRtmpClient;
import dev.amphi.transcode.RoomProgram;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening a composited room's program (its encoders) is slow and happens off the RTMP event loop:
 * while room "slow" starts, a publisher of room "fast" on the same (only) event loop is answered in
 * its usual time, and the slow room's publishers are answered when its program runs.
 */
class ProgramStartTest {

    private static final String SLOW_KEY = "slow-room-key-0123456789";
    private static final String FAST_KEY = "fast-room-key-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;
    private AmphiServer server;
    private final CountDownLatch slowEntered = new CountDownLatch(1);
    private final CountDownLatch slowRelease = new CountDownLatch(1);
    private final Map<String, AtomicInteger> starts = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        slowRelease.countDown();
        if (server != null) {
            server.close();
        }
    }

    /** Room "slow" waits for the test before its program starts; room "fail" fails its first start. */
    private RoomProgram start(String room, RoomProgram.Builder builder) {
        int n = starts.computeIfAbsent(room, r -> new AtomicInteger()).incrementAndGet();
        if (room.equals("slow")) {
            slowEntered.countDown();
            try {
                slowRelease.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (room.equals("fail") && n == 1) {
            throw new UnsupportedOperationException("encoder h264_nvenc: no NVIDIA GPU");
        }
        return ProgramRoom.Starter.DEFAULT.start(room, builder);
    }

    private void startServer() throws Exception {
        server = TestSupport.start(dataDir, this::start, "--room-mode", "composite", "--rtmp-threads", "1",
                "--room", "slow=" + SLOW_KEY, "--room", "fast=" + FAST_KEY, "--room", "fail=fail-room-key-0123456789",
                "--canvas", "320x180", "--ladder", "180p:320x180:200k", "--preset", "ultrafast");
    }

    private RawRtmpClient publishWithoutWaiting(String key) throws IOException {
        RawRtmpClient c = RawRtmpClient.open(server.rtmpPort()).handshake();
        c.connect("live");
        int id = c.createStream();
        c.command(id, "publish", 0.0, null, key, "live");
        return c;
    }

    private ProgramRoom room(String name) {
        return server.programRooms().stream().filter(p -> p.room().name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aSlowProgramStartHoldsUpNeitherTheEventLoopNorOtherRooms() throws Exception {
        startServer();
        try (RawRtmpClient ada = publishWithoutWaiting(SLOW_KEY + "?name=Ada")) {
            assertThat(slowEntered.await(30, TimeUnit.SECONDS)).as("room slow's program is starting").isTrue();

            // the same event loop serves room fast meanwhile: handshake, connect, publish, each within RawRtmpClient's 10 s
            try (RawRtmpClient bob = RawRtmpClient.open(server.rtmpPort()).handshake()) {
                assertThat(bob.connect("live")).isEqualTo("NetConnection.Connect.Success");
                assertThat(bob.publish(bob.createStream(), FAST_KEY + "?name=Bob")[0]).isEqualTo("NetStream.Publish.Start");
            }
            // a second speaker of the slow room waits for the same start
            try (RawRtmpClient bea = publishWithoutWaiting(SLOW_KEY + "?name=Bea")) {
                assertThat(ada.read(Duration.ofMillis(300))).as("Ada is not answered before the program runs").isNull();
                slowRelease.countDown();
                assertThat(ada.awaitStatus(WAIT)[0]).isEqualTo("NetStream.Publish.Start");
                assertThat(bea.awaitStatus(WAIT)[0]).isEqualTo("NetStream.Publish.Start");
            }
        }
        assertThat(room("slow").program().orElseThrow().speakers()).containsExactly("ada", "bea");
        assertThat(starts.get("slow")).as("one start for both speakers").hasValue(1);
    }

    @Test
    void aProgramThatFailsToStartRefusesItsPublisherAndTheNextOneTriesAgain() throws Exception {
        startServer();
        try (RawRtmpClient c = RawRtmpClient.open(server.rtmpPort()).handshake()) {
            c.connect("live");
            String[] status = c.publish(c.createStream(), "fail-room-key-0123456789?name=Ada");
            assertThat(status).containsExactly("NetStream.Publish.Rejected", "room fail could not start its program; try again later");
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
        try (RawRtmpClient c = RawRtmpClient.open(server.rtmpPort()).handshake()) {
            c.connect("live");
            assertThat(c.publish(c.createStream(), "fail-room-key-0123456789?name=Ada")[0]).isEqualTo("NetStream.Publish.Start");
        }
        await().atMost(WAIT).until(() -> room("fail").isLive());
        assertThat(starts.get("fail")).hasValue(2);
    }
}
