package dev.amphi.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.ingest.rtmp.message.MessageType;
import dev.amphi.ingest.rtmp.testing.FlvBodies;
import dev.amphi.ingest.rtmp.testing.RawRtmpClient;
import dev.amphi.ingest.rtmp.testing.RecordingListener;
import dev.amphi.ingest.rtmp.testing.TestAuthorizer;
import dev.amphi.media.MediaPacket;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Read batching: a busy publisher is read in far fewer reads than it writes, and a message that
 * arrives when the publisher goes quiet still reaches the sink within the promised bound.
 */
class ReadBatcherTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration BATCH = Duration.ofMillis(40);

    @Test
    void markIsTheBatchWorthOfTheMeasuredRateWithinBounds() {
        long second = TimeUnit.SECONDS.toNanos(1);
        long batch = BATCH.toNanos();
        assertThat(ReadBatcher.markFor(250_000, second, batch)).isEqualTo(10_000);     // 2 Mbit/s
        assertThat(ReadBatcher.markFor(500_000, 2 * second, batch)).isEqualTo(10_000);
        assertThat(ReadBatcher.markFor(10, second, batch)).isEqualTo(1);               // commands only
        assertThat(ReadBatcher.markFor(0, second, batch)).isEqualTo(1);
        assertThat(ReadBatcher.markFor(100_000_000, second, batch)).isEqualTo(ReadBatcher.MAX_LOWAT);
        assertThat(ReadBatcher.markFor(250_000, second, 0)).isEqualTo(1);
        assertThat(ReadBatcher.markFor(250_000, 0, batch)).isEqualTo(1);
    }

    @Test
    void batchingNeedsTheEpollTransportHere() {
        assertThat(Epoll.isAvailable()).as("native epoll on this Linux machine").isTrue();
        assertThat(ReadBatcher.supported(EpollSocketChannel.class)).isTrue();
        assertThat(ReadBatcher.supported(io.netty.channel.socket.nio.NioSocketChannel.class)).isFalse();
    }

    @Test
    void rejectsBatchOutsideZeroToOneSecond() {
        assertThatThrownBy(() -> RtmpServer.builder().readBatch(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readBatch");
        assertThatThrownBy(() -> RtmpServer.builder().readBatch(Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readBatch");
    }

    @Test
    void aBusyPublisherIsReadInFewerReadsAndItsLastMessageIsNotHeldBack() throws Exception {
        TestAuthorizer authorizer = new TestAuthorizer().key("good", "lobby");
        RecordingListener listener = new RecordingListener();
        RtmpServer server = RtmpServer.builder().bind("127.0.0.1").port(0).authorizer(authorizer).listener(listener)
                .readBatch(BATCH).build().start();
        try (RawRtmpClient c = RawRtmpClient.open(server.port()).handshake()) {
            c.connect("live");
            int id = c.createStream();
            assertThat(c.publish(id, "good")[0]).isEqualTo("NetStream.Publish.Start");
            c.send(6, MessageType.VIDEO, id, 0, FlvBodies.avcSequenceHeader());

            // 200 messages a second of 1.5 kB (2.4 Mbit/s), each written on its own, for 3 s.
            long start = System.nanoTime();
            int sent = 0;
            int readsAtHalf = -1;
            int sentAtHalf = 0;
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(3000)) {
                c.send(6, MessageType.VIDEO, id, 5L * sent, FlvBodies.avcFrame(sent % 60 == 0, 0, FlvBodies.avcc(0x41, 1500)));
                sent++;
                if (readsAtHalf < 0 && System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(1500)) {
                    readsAtHalf = listener.reads.get();
                    sentAtHalf = sent;
                }
                Thread.sleep(5);
            }
            // The last message right after the burst: small, below the mark the burst set.
            c.send(6, MessageType.VIDEO, id, 5L * sent, FlvBodies.avcFrame(false, 0, FlvBodies.avcc(0x41, 77)));
            long lastSent = System.nanoTime();
            authorizer.sink("lobby").await(ev -> !ev.isEmpty() && ev.get(ev.size() - 1) instanceof MediaPacket p
                    && p.data().length < 100, WAIT, "the publisher's last, small message");
            long heldMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastSent);

            int messages = sent - sentAtHalf;
            int reads = listener.reads.get() - readsAtHalf;
            assertThat(reads).as("reads for the %d messages of the last 1.5 s", messages).isLessThan(messages / 3);
            assertThat(heldMs).as("time the last message waited (batch %d ms)", BATCH.toMillis())
                    .isLessThan(4 * BATCH.toMillis() + 250);
            assertThat(authorizer.sink("lobby").session(0)).hasSize(sent + 1);
        } finally {
            server.close();
        }
    }
}
