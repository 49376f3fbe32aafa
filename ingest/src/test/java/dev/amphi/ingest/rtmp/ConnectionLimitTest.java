package dev.amphi.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.ingest.rtmp.testing.RawRtmpClient;
import dev.amphi.ingest.rtmp.testing.RecordingListener;
import dev.amphi.ingest.rtmp.testing.TestAuthorizer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A flood of connections is turned away at the limits, before any handshake, without touching
 * the connections already open; when they close, their places are free again.
 */
class ConnectionLimitTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final TestAuthorizer authorizer = new TestAuthorizer().key("good", "lobby");
    private final RecordingListener listener = new RecordingListener();
    private final List<AutoCloseable> open = new ArrayList<>();
    private RtmpServer server;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(int max, int perAddress) throws InterruptedException {
        server = RtmpServer.builder().bind("127.0.0.1").port(0).authorizer(authorizer).listener(listener)
                .maxConnections(max).maxConnectionsPerAddress(perAddress).build().start();
    }

    /** A connection from {@code from} that has done its handshake: the server answered it. */
    private Socket handshaken(String from) throws IOException {
        Socket s = new Socket();
        open.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        s.setSoTimeout(5000);
        byte[] c0c1 = new byte[1537];
        c0c1[0] = 3;
        s.getOutputStream().write(c0c1);
        InputStream in = s.getInputStream();
        assertThat(in.readNBytes(1 + 1536 + 1536)).as("S0 S1 S2 for a connection from " + from).hasSize(3073);
        return s;
    }

    /** The server closes the connection without a byte of handshake (the timeout would take 10 s). */
    private void assertClosedWithoutAnAnswer(String what) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            int first;
            try {
                s.getOutputStream().write(new byte[1537]);
                first = s.getInputStream().read();
            } catch (SocketException e) {
                first = -1;   // reset: closed all the same
            }
            assertThat(first).as(what + " is closed before its handshake is answered").isEqualTo(-1);
        }
    }

    private void assertPublisherWorks() throws Exception {
        RawRtmpClient.publishOneKeyframe(server.port(), "good", authorizer.sink("lobby"), WAIT);
    }

    @Test
    void oneConnectionOverTheServersLimitIsClosedAndTheOthersKeepWorking() throws Exception {
        start(3, 0);
        Socket a = handshaken("127.0.0.1");
        handshaken("127.0.0.1");
        handshaken("127.0.0.1");
        assertClosedWithoutAnAnswer("the fourth connection");
        assertThat(listener.refused).singleElement().asString().contains("limit of 3 open connections");
        assertThat(listener.errors).isEmpty();
        assertThat(listener.closed).as("no admitted connection was closed").hasValue(0);
        a.close();
        awaitClosedByServer(1);   // its place is free again: a publisher gets in and is heard
        assertPublisherWorks();
    }

    @Test
    void theLimitPerAddressRefusesOnlyThatAddress() throws Exception {
        start(100, 2);
        Socket a = handshaken("127.0.0.1");
        handshaken("127.0.0.1");
        assertClosedWithoutAnAnswer("a third connection from 127.0.0.1");
        assertThat(listener.refused).singleElement().asString().contains("127.0.0.1 is at the limit of 2 open connections per address");
        handshaken("127.0.0.2");   // another address (all of 127/8 is loopback on Linux) is not affected
        a.close();
        awaitClosedByServer(1);
        assertPublisherWorks();
        assertThat(listener.refused).hasSize(1);
    }

    @Test
    void byDefaultOneAddressMayHoldAHundredConnections() throws Exception {
        server = RtmpServer.builder().bind("127.0.0.1").port(0).authorizer(authorizer).listener(listener).build().start();
        for (int i = 0; i < 100; i++) {
            handshaken("127.0.0.1");
        }
        assertClosedWithoutAnAnswer("a 101st connection from 127.0.0.1");
        assertThat(listener.refused).singleElement().asString().contains("limit of 100 open connections per address");
        handshaken("127.0.0.3");
    }

    /** The server counts a closed connection out on its event loop, before it reports the close. */
    private void awaitClosedByServer(int closed) throws InterruptedException {
        Awaitility.await(closed + " connections closed by the server").atMost(WAIT).pollInterval(Duration.ofMillis(10))
                .until(() -> listener.closed.get() >= closed);
    }
}
