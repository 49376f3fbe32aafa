package dev.amphi.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.core.api.ProgramApi;
import dev.amphi.core.room.ProgramControl;
import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpTimeouts} on a Vert.x server set up as the Amphi server sets up its listeners, with short
 * timeouts (headers 1 s, keep-alive 1.5 s, body 2 s), probed with raw sockets. A closed connection is
 * seen as the end of the stream; "within" deadlines leave room for a loaded machine, and no timer may
 * fire before its time.
 */
class HttpTimeoutsTest {

    private static final Duration HEADER = Duration.ofMillis(1000);
    private static final Duration KEEP_ALIVE = Duration.ofMillis(1500);
    private static final Duration BODY = Duration.ofMillis(2000);
    private static final Duration SLACK = Duration.ofSeconds(5);
    private static final int CHUNKS = 40;
    private static final int CHUNK = 16 * 1024;

    private final List<HttpTimeouts.Phase> timedOut = new CopyOnWriteArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    private Vertx vertx;
    private int port;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx(BlockedThreadAlarm.vertxOptions());
        RoomRegistry rooms = RoomRegistry.of(List.of(Room.of("lobby", "lobby-key-0123456789")));
        Router router = Router.router(vertx);
        router.get("/hello").handler(ctx -> ctx.response().end("hello"));
        router.put("/upload").handler(BodyHandler.create(false).setBodyLimit(1 << 20))
                .handler(ctx -> ctx.response().end("got " + ctx.body().length()));
        router.get("/slow").handler(ctx -> slow(ctx.response()));
        ProgramApi.of(rooms, ProgramControl.passthroughOnly(), new ProgramApi.Limits(10, Duration.ofSeconds(1), 4096)).mount(router);
        HttpTimeouts.Listener listener = new HttpTimeouts.Listener() {
            @Override
            public void opened() {
                open.incrementAndGet();
            }

            @Override
            public void closed() {
                open.decrementAndGet();
            }

            @Override
            public void timedOut(HttpTimeouts.Phase phase) {
                timedOut.add(phase);
            }
        };
        port = HttpServers.listen("HTTP", vertx, HttpServers.options("127.0.0.1", 0), router,
                new HttpTimeouts.Limits(HEADER, KEEP_ALIVE, BODY), listener).actualPort();
    }

    /** A download that takes 4 s: 40 pieces of 16 KiB, one every 100 ms, then the end. */
    private void slow(HttpServerResponse res) {
        res.setChunked(true).putHeader("Content-Type", "application/octet-stream");
        AtomicInteger sent = new AtomicInteger();
        vertx.setPeriodic(100, id -> {
            if (res.closed()) {
                vertx.cancelTimer(id);
            } else if (sent.incrementAndGet() <= CHUNKS) {
                res.write(Buffer.buffer(new byte[CHUNK]));
            } else {
                vertx.cancelTimer(id);
                res.end();
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Test
    void aSilentConnectionIsClosedAfterTheHeaderTimeout() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            long start = System.nanoTime();
            assertThat(c.untilClosed(HEADER.plus(SLACK))).as("nothing asked, nothing answered").isEmpty();
            assertThat(since(start)).isGreaterThanOrEqualTo(HEADER.minusMillis(50));
        }
        assertThat(timedOut).containsExactly(HttpTimeouts.Phase.HEADER);
    }

    @Test
    void headersSentAByteAtATimeAreCutAtTheHeaderTimeoutWithA408() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        try (RawHttp c = new RawHttp(port)) {
            long start = System.nanoTime();
            c.send("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            Thread slowloris = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        c.send("X"); // a header that never ends
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the server: the point
                }
            }, "slowloris");
            slowloris.start();
            String got = c.untilClosed(HEADER.plus(SLACK));
            assertThat(since(start)).isGreaterThanOrEqualTo(HEADER.minusMillis(50));
            assertThat(got).startsWith("HTTP/1.1 408 ");
            stop.set(true);
            slowloris.join(5000);
        }
        assertThat(timedOut).containsExactly(HttpTimeouts.Phase.HEADER);
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheKeepAliveTimeout() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            for (int i = 0; i < 3; i++) { // requests in quick succession share the connection
                c.send("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertThat(c.response()).startsWith("HTTP/1.1 200 ").endsWith("hello");
            }
            long idleSince = System.nanoTime();
            assertThat(c.untilClosed(KEEP_ALIVE.plus(SLACK))).isEmpty();
            assertThat(since(idleSince)).isGreaterThanOrEqualTo(KEEP_ALIVE.minusMillis(50));
        }
        assertThat(timedOut).containsExactly(HttpTimeouts.Phase.KEEP_ALIVE);
    }

    @Test
    void aRequestStartedOnAKeptAliveConnectionHasTheHeaderTimeout() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            c.send("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(c.response()).endsWith("hello");
            long start = System.nanoTime();
            c.send("GET /hel");
            assertThat(c.untilClosed(HEADER.plus(SLACK))).startsWith("HTTP/1.1 408 ");
            assertThat(since(start)).isGreaterThanOrEqualTo(HEADER.minusMillis(50)).isLessThan(KEEP_ALIVE.plus(SLACK));
        }
        assertThat(timedOut).containsExactly(HttpTimeouts.Phase.HEADER);
    }

    @Test
    void aChunkedBodyThatNeverEndsIsCutAtTheBodyTimeout() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        try (RawHttp c = new RawHttp(port)) {
            long start = System.nanoTime();
            c.send("PUT /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n");
            Thread trickle = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        c.send("1\r\na\r\n"); // progress, but no end
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the server: the point
                }
            }, "trickle");
            trickle.start();
            c.untilClosed(BODY.plus(SLACK));
            assertThat(since(start)).isGreaterThanOrEqualTo(BODY.minusMillis(50));
            stop.set(true);
            trickle.join(5000);
        }
        assertThat(timedOut).containsExactly(HttpTimeouts.Phase.BODY);
    }

    @Test
    void aBodyShorterThanItsContentLengthIsCutAtTheBodyTimeoutAndTheConnectionFreed() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            long start = System.nanoTime();
            c.send("PUT /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n0123456789");
            c.untilClosed(BODY.plus(SLACK));
            assertThat(since(start)).isGreaterThanOrEqualTo(BODY.minusMillis(50));
            Awaitility.await("the server to count the connection closed").atMost(Duration.ofSeconds(5)).until(() -> open.get() == 0);
        }
        assertThat(timedOut).containsExactly(HttpTimeouts.Phase.BODY);
    }

    @Test
    void aCompleteUploadIsAnsweredAndTheConnectionKeptAlive() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            c.send("PUT /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n0123456789");
            assertThat(c.response()).startsWith("HTTP/1.1 200 ").endsWith("got 10");
            c.send("PUT /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
            assertThat(c.response()).endsWith("got 3");
        }
        assertThat(timedOut).isEmpty();
    }

    @Test
    void anEventStreamWithHeartbeatsOutlivesEveryTimeout() throws Exception {
        try (RawHttp c = new RawHttp(port)) {
            long start = System.nanoTime();
            c.send("GET /api/rooms/lobby/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(c.head()).startsWith("HTTP/1.1 200 ").contains("text/event-stream");
            int heartbeats = 0;
            while (heartbeats < 4) { // one a second: past the header, keep-alive and body timeouts
                String line = c.line();
                assertThat(line).as("the stream goes on (" + heartbeats + " heartbeats so far)").isNotNull();
                if (line.contains(": heartbeat")) {
                    heartbeats++;
                }
            }
            assertThat(since(start)).isGreaterThan(BODY);
        }
        assertThat(timedOut).isEmpty();
    }

    @Test
    void aSlowButProgressingDownloadIsNotCut() throws Exception {
        try (RawHttp c = new RawHttp(port, 8192)) { // a small window: most of the body waits on the server
            long start = System.nanoTime();
            c.send("GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(c.head()).startsWith("HTTP/1.1 200 ").containsIgnoringCase("transfer-encoding: chunked");
            long body = 0;
            InputStream in = c.input();
            while (true) {
                int size = Integer.parseInt(c.line().strip(), 16);
                if (size == 0) {
                    break;
                }
                byte[] piece = in.readNBytes(size);
                assertThat(piece).as("a whole chunk").hasSize(size);
                body += size;
                assertThat(c.line()).isEmpty();
                Thread.sleep(20); // a slow reader, besides a slow writer
            }
            assertThat(body).isEqualTo((long) CHUNKS * CHUNK);
            assertThat(since(start)).as("the download outlasted every timeout").isGreaterThan(BODY.plus(KEEP_ALIVE));
            c.send("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(c.response()).as("and the connection serves the next request").endsWith("hello");
        }
        assertThat(timedOut).isEmpty();
    }
}
