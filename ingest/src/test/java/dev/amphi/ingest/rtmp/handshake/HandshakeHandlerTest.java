package dev.amphi.ingest.rtmp.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.ingest.rtmp.testing.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The server handshake, fed with fixture C0+C1 packets (plain and both digest schemes). */
class HandshakeHandlerTest {

    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(0x01020304), ZoneOffset.UTC);
    private static final byte[] FMS_KEY_TEXT = "Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_TAIL = java.util.HexFormat.of().parseHex(
            "f0eec24a8068bee82e00d0d1029e7e576eec5d2d29806fab93b8e636cfeb31ae");

    record Case(String fixture, Handshake.Style style) {
        @Override
        public String toString() {
            return fixture;
        }
    }

    static Stream<Case> table() {
        return Stream.of(
                new Case("handshake/c0c1-plain.bin", Handshake.Style.PLAIN),
                new Case("handshake/c0c1-digest-scheme0.bin", Handshake.Style.DIGEST_SCHEME_0),
                new Case("handshake/c0c1-digest-scheme1.bin", Handshake.Style.DIGEST_SCHEME_1));
    }

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new HandshakeHandler(Duration.ofSeconds(10), CLOCK, new Random(5)));
    }

    @ParameterizedTest
    @MethodSource("table")
    void detectsTheC1Style(Case c) {
        byte[] c1 = Arrays.copyOfRange(Fixtures.load(c.fixture()), 1, 1537);
        assertThat(Handshake.detect(c1)).isEqualTo(c.style());
    }

    @ParameterizedTest
    @MethodSource("table")
    void answersS0S1S2ThatTheClientCanVerifyAndRemovesItself(Case c) {
        byte[] c0c1 = Fixtures.load(c.fixture());
        byte[] c1 = Arrays.copyOfRange(c0c1, 1, 1537);
        byte[] after = {0x03, 0x00, 0x00, 0x00};
        byte[] input = dev.amphi.ingest.rtmp.testing.FlvBodies.cat(c0c1, new byte[1536], after);
        for (int split = 1; split < input.length; split += (split < 40 || split > input.length - 40 ? 1 : 97)) {
            EmbeddedChannel ch = channel();
            ch.writeInbound(Unpooled.wrappedBuffer(input, 0, split));
            ch.writeInbound(Unpooled.wrappedBuffer(input, split, input.length - split));
            assertThat(ch.pipeline().get(HandshakeHandler.class)).as("removed itself").isNull();
            ByteBuf reply = Unpooled.buffer();
            ByteBuf part;
            while ((part = ch.readOutbound()) != null) {
                reply.writeBytes(part);
                part.release();
            }
            byte[] s = ByteBufUtil.getBytes(reply);
            reply.release();
            assertThat(s).hasSize(1 + 2 * 1536);
            assertThat(s[0]).isEqualTo((byte) 3);
            byte[] s1 = Arrays.copyOfRange(s, 1, 1537);
            byte[] s2 = Arrays.copyOfRange(s, 1537, 3073);
            assertThat(Arrays.copyOf(s1, 4)).as("S1 time").containsExactly(1, 2, 3, 4);
            if (c.style() == Handshake.Style.PLAIN) {
                assertThat(Arrays.copyOfRange(s1, 4, 8)).as("S1 zero").containsExactly(0, 0, 0, 0);
                assertThat(s2).as("S2 echoes C1").isEqualTo(c1);
            } else {
                int scheme = c.style() == Handshake.Style.DIGEST_SCHEME_0 ? 0 : 1;
                int s1Offset = Fixtures.digestOffset(s1, scheme);
                assertThat(Arrays.copyOfRange(s1, s1Offset, s1Offset + 32)).as("S1 digest")
                        .isEqualTo(Fixtures.hmacWithout(s1, s1Offset, FMS_KEY_TEXT));
                int c1Offset = Fixtures.digestOffset(c1, scheme);
                byte[] key = Fixtures.hmac(dev.amphi.ingest.rtmp.testing.FlvBodies.cat(FMS_KEY_TEXT, KEY_TAIL),
                        Arrays.copyOfRange(c1, c1Offset, c1Offset + 32));
                assertThat(Arrays.copyOfRange(s2, 1504, 1536)).as("S2 digest keyed from C1's digest")
                        .isEqualTo(Fixtures.hmac(key, Arrays.copyOf(s2, 1504)));
            }
            ByteBuf rest = Unpooled.buffer();
            ByteBuf in;
            while ((in = ch.readInbound()) != null) {
                rest.writeBytes(in);
                in.release();
            }
            assertThat(ByteBufUtil.getBytes(rest)).as("bytes after C2 passed on (split " + split + ")").isEqualTo(after);
            rest.release();
            assertThat(ch.finish()).isFalse();
        }
    }

    @Test
    void refusesAWrongVersionByteWithoutAnswering() {
        EmbeddedChannel ch = channel();
        byte[] c0c1 = Fixtures.load("handshake/c0c1-plain.bin").clone();
        c0c1[0] = 0x47;
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(c0c1))).isInstanceOf(CorruptedFrameException.class)
                .hasMessage("RTMP version byte 71 in C0, expected 3 (not an RTMP client?)");
        Object reply = ch.readOutbound();
        assertThat(reply).isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void refusesGarbageBeforeC1IsComplete() {
        EmbeddedChannel ch = channel();
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x16, 3, 1, 0, 1})))
                .isInstanceOf(CorruptedFrameException.class).hasMessageContaining("version byte 22");
        // later bytes are discarded without another error
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[100]));
        Object passed = ch.readInbound();
        assertThat(passed).isNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void timesOutWhenTheHandshakeStalls() {
        EmbeddedChannel ch = channel();
        Throwable[] caught = new Throwable[1];
        ch.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
                caught[0] = cause;
            }
        });
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {3, 0, 0}));
        ch.advanceTimeBy(9, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(caught[0]).isNull();
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(caught[0]).isInstanceOf(HandshakeHandler.HandshakeTimeoutException.class)
                .hasMessage("handshake not completed within 10000 ms");
        ch.finishAndReleaseAll();
    }
}
