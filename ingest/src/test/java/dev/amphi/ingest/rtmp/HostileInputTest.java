package dev.amphi.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.ingest.rtmp.message.MessageType;
import dev.amphi.ingest.rtmp.message.ProtocolControl;
import dev.amphi.ingest.rtmp.message.RtmpMessage;
import dev.amphi.ingest.rtmp.testing.CapturingSink;
import dev.amphi.ingest.rtmp.testing.FlvBodies;
import dev.amphi.ingest.rtmp.testing.LeakRecorder;
import dev.amphi.ingest.rtmp.testing.RawRtmpClient;
import dev.amphi.ingest.rtmp.testing.RecordingListener;
import dev.amphi.ingest.rtmp.testing.TestAuthorizer;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input over real sockets: each offender is refused (closed, with one protocol error naming
 * what was wrong) and a good publisher right after still works.
 */
class HostileInputTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final TestAuthorizer authorizer = new TestAuthorizer().key("good", "lobby");
    private final RecordingListener listener = new RecordingListener();
    private RtmpServer server;

    @BeforeEach
    void start() throws InterruptedException {
        server = RtmpServer.builder().bind("127.0.0.1").port(0).authorizer(authorizer).listener(listener)
                .maxMessageSize(64 * 1024).maxChunkSize(64 * 1024)
                .handshakeTimeout(Duration.ofMillis(3000)).publishTimeout(Duration.ofMillis(3000)).idleTimeout(Duration.ofSeconds(4))
                .build().start();
    }

    @AfterEach
    void aGoodPublisherStillWorks() throws Exception {
        try {
            int before = authorizer.sink("lobby").ends();
            RawRtmpClient.publishOneKeyframe(server.port(), "good", authorizer.sink("lobby"), WAIT);
            authorizer.sink("lobby").awaitEnds(before + 1, WAIT);
            MediaPacket p = (MediaPacket) authorizer.sink("lobby").events().get(authorizer.sink("lobby").events().size() - 2);
            assertThat(p.kind()).isEqualTo(MediaKind.VIDEO);
            assertThat(p.keyframe()).isTrue();
        } finally {
            server.close();
        }
    }

    @org.junit.jupiter.api.AfterAll
    static void nothingLeaked() {
        LeakRecorder.assertNoLeaks();
    }

    private void assertRefused(RawRtmpClient c, String reason) throws Exception {
        assertThat(c.awaitClosed(WAIT)).as("server closed the connection").isTrue();
        assertThat(listener.awaitError(reason, WAIT)).isNotBlank();
        assertThat(listener.errors).as("one protocol error per offender").hasSize(1);
    }

    @Test
    void garbageBeforeTheHandshakeIsRefused() throws Exception {
        try (RawRtmpClient c = RawRtmpClient.open(server.port())) {
            c.sendRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertRefused(c, "RTMP version byte 71");
        }
    }

    @Test
    void aWrongVersionByteIsRefused() throws Exception {
        try (RawRtmpClient c = RawRtmpClient.open(server.port())) {
            byte[] c0c1 = new byte[1537];
            c0c1[0] = 6;
            c.sendRaw(c0c1);
            assertRefused(c, "RTMPE");
        }
    }

    @Test
    void aHandshakeThatNeverCompletesTimesOut() throws Exception {
        try (RawRtmpClient c = RawRtmpClient.open(server.port())) {
            c.sendRaw(new byte[] {3, 0, 0});
            assertRefused(c, "handshake not completed within 3000 ms");
        }
    }

    @Test
    void aConnectionThatNeverPublishesIsClosedAtThePublishDeadline() throws Exception {
        try (RawRtmpClient c = RawRtmpClient.open(server.port()).handshake()) {
            c.connect("live");
            assertRefused(c, "did not start publishing within 3000 ms");
        }
    }

    @Test
    void aMessageLongerThanTheLimitIsRefused() throws Exception {
        try (RawRtmpClient c = RawRtmpClient.open(server.port()).handshake()) {
            c.connect("live");
            // type-0 header declaring a 100000-byte video message, then the first bytes of it
            byte[] header = {4, 0, 0, 0, 0x01, (byte) 0x86, (byte) 0xa0, 9, 1, 0, 0, 0};
            c.sendRaw(FlvBodies.cat(header, new byte[128]));
            assertRefused(c, "message of 100000 bytes on chunk stream 4 exceeds the limit of 65536");
        }
    }

    @Test
    void aHugeChunkSizeIsRefused() throws Exception {
        try (RawRtmpClient c = RawRtmpClient.open(server.port()).handshake()) {
            c.send(2, MessageType.SET_CHUNK_SIZE, 0, 0, new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
            assertRefused(c, "peer chunk size 2147483647 exceeds the limit of 65536");
        }
    }

    @Test
    void truncatedAmfIsRefused() throws Exception {
        try (RawRtmpClient c = RawRtmpClient.open(server.port()).handshake()) {
            byte[] connect = RawRtmpClient.amf("connect", 1.0, dev.amphi.ingest.rtmp.amf.Amf0.object("app", "live"));
            c.send(3, MessageType.COMMAND_AMF0, 0, 0, Arrays.copyOf(connect, connect.length - 6));
            assertRefused(c, "truncated AMF0");
        }
    }

    @Test
    void anUnknownMessageTypeIsRefused() throws Exception {
        try (RawRtmpClient c = RawRtmpClient.open(server.port()).handshake()) {
            c.connect("live");
            c.send(3, 99, 0, 0, new byte[] {1, 2, 3});
            assertRefused(c, "unknown message type 99");
        }
    }

    @Test
    void definedButUnusedMessageTypesAreIgnored() throws Exception {
        try (RawRtmpClient c = RawRtmpClient.open(server.port()).handshake()) {
            c.connect("live");
            c.send(3, MessageType.SHARED_OBJECT_AMF0, 0, 0, new byte[] {0, 1, 2});
            c.send(3, MessageType.AGGREGATE, 0, 0, new byte[] {9, 0});
            assertThat(c.createStream()).as("the connection still answers").isEqualTo(1);
        }
        assertThat(listener.errors).isEmpty();
    }

    @Test
    void publishBeforeConnectIsRefused() throws Exception {
        try (RawRtmpClient c = RawRtmpClient.open(server.port()).handshake()) {
            c.command(1, "publish", 0.0, null, "good", "live");
            String[] status = c.awaitStatus(WAIT);
            assertThat(status[0]).isEqualTo("NetConnection.Call.Failed");
            assertRefused(c, "publish before connect");
        }
        assertThat(authorizer.requests).isEmpty();
    }

    @Test
    void aWrongKeyGetsBadNameAndIsClosed() throws Exception {
        try (RawRtmpClient c = RawRtmpClient.open(server.port()).handshake()) {
            c.connect("live");
            int id = c.createStream();
            String[] status = c.publish(id, "nope?x=1");
            assertThat(status[0]).isEqualTo("NetStream.Publish.BadName");
            assertThat(status[1]).isEqualTo("unknown stream key");
            assertThat(c.awaitClosed(WAIT)).isTrue();
        }
        assertThat(authorizer.requests).singleElement().satisfies(r -> assertThat(r.streamKey()).isEqualTo("nope"));
    }

    @Test
    void hevcOverEnhancedRtmpIsRejectedNamingTheCodec() throws Exception {
        assertCodecRejected(MessageType.VIDEO, FlvBodies.exVideoSequenceStart("hvc1"), "HEVC");
    }

    @Test
    void av1OverEnhancedRtmpIsRejectedNamingTheCodec() throws Exception {
        assertCodecRejected(MessageType.VIDEO, FlvBodies.exVideoSequenceStart("av01"), "AV1");
    }

    @Test
    void mp3IsRejectedNamingTheCodec() throws Exception {
        assertCodecRejected(MessageType.AUDIO, FlvBodies.mp3Frame(), "MP3");
    }

    private void assertCodecRejected(int type, byte[] body, String codec) throws Exception {
        try (RawRtmpClient c = RawRtmpClient.open(server.port()).handshake()) {
            c.connect("live");
            int id = c.createStream();
            assertThat(c.publish(id, "good")[0]).isEqualTo("NetStream.Publish.Start");
            c.send(6, type, id, 0, body);
            String[] status = c.awaitStatus(WAIT);
            assertThat(status[0]).isEqualTo("NetStream.Publish.Rejected");
            assertThat(status[1]).contains("unsupported codec " + codec);
            assertRefused(c, codec);
        }
        CapturingSink sink = authorizer.sink("lobby");
        sink.awaitEnds(1, WAIT);
        assertThat(sink.session(0)).isEmpty();
        assertThat(authorizer.awaitUnpublished(1, WAIT)).containsExactly("lobby");
    }

    @Test
    void pingRequestsAreAnswered() throws Exception {
        try (RawRtmpClient c = RawRtmpClient.open(server.port()).handshake()) {
            c.connect("live");
            c.send(2, MessageType.USER_CONTROL, 0, 0, new byte[] {0, 6, 0x12, 0x34, 0x56, 0x78});
            while (true) {
                RtmpMessage m = c.read(WAIT);
                assertThat(m).as("a ping response").isNotNull();
                try {
                    if (m.typeId() == MessageType.USER_CONTROL
                            && m.payload().getShort(0) == ProtocolControl.EVENT_PING_RESPONSE) {
                        assertThat(m.payload().getInt(2)).isEqualTo(0x12345678);
                        break;
                    }
                } finally {
                    m.release();
                }
            }
        }
    }

    @Test
    void refusePolicyTurnsAwayASecondPublisher() throws Exception {
        server.close();
        server = RtmpServer.builder().bind("127.0.0.1").port(0).authorizer(authorizer).listener(listener)
                .duplicatePolicy(RtmpServer.DuplicatePolicy.REFUSE).build().start();
        try (RawRtmpClient first = RawRtmpClient.open(server.port()).handshake();
             RawRtmpClient second = RawRtmpClient.open(server.port()).handshake()) {
            first.connect("live");
            assertThat(first.publish(first.createStream(), "good")[0]).isEqualTo("NetStream.Publish.Start");
            second.connect("live");
            String[] status = second.publish(second.createStream(), "good");
            assertThat(status[0]).isEqualTo("NetStream.Publish.BadName");
            assertThat(status[1]).contains("already being published");
            assertThat(second.awaitClosed(WAIT)).isTrue();
            assertThat(server.activePublishers()).isEqualTo(1);
        }
        // the refused one's sink is released (an end without packets), then the first one ends
        authorizer.sink("lobby").awaitEnds(2, WAIT);
        assertThat(authorizer.sink("lobby").session(0)).isEmpty();
    }

    @Test
    void closingTheServerEndsEveryPublisher() throws Exception {
        RawRtmpClient c = RawRtmpClient.open(server.port()).handshake();
        try {
            c.connect("live");
            int id = c.createStream();
            assertThat(c.publish(id, "good")[0]).isEqualTo("NetStream.Publish.Start");
            server.close();
            assertThat(authorizer.sink("lobby").ends()).isEqualTo(1);
            String[] status = c.awaitStatus(WAIT);
            assertThat(status[0]).isEqualTo("NetStream.Unpublish.Success");
            assertThat(c.awaitClosed(WAIT)).isTrue();
        } finally {
            c.close();
        }
        server = RtmpServer.builder().bind("127.0.0.1").port(0).authorizer(authorizer).listener(listener).build().start();
    }
}
