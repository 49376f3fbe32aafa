package dev.amphi.ingest.rtmp.chunk;

import static dev.amphi.ingest.rtmp.testing.Fixtures.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.ingest.rtmp.message.RtmpMessage;
import dev.amphi.ingest.rtmp.testing.CountingAllocator;
import dev.amphi.ingest.rtmp.testing.Fixtures;
import dev.amphi.ingest.rtmp.testing.Fixtures.ChunkBytes;
import dev.amphi.ingest.rtmp.testing.LeakRecorder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Chunk stream decoding/encoding, driven by one table of {fixture, expected messages}. */
class ChunkCodecTest {

    /** A decoded message as plain values. */
    record Msg(int csid, int type, long timestamp, int streamId, byte[] payload) {
        static Msg of(RtmpMessage m) {
            return new Msg(m.chunkStreamId(), m.typeId(), m.timestamp(), m.streamId(), ByteBufUtil.getBytes(m.payload()));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Msg m && m.csid == csid && m.type == type && m.timestamp == timestamp
                    && m.streamId == streamId && Arrays.equals(m.payload, payload);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "Msg[csid=" + csid + " type=" + type + " ts=" + timestamp + " stream=" + streamId + " "
                    + payload.length + " bytes from " + (payload.length > 0 ? payload[0] : -1) + "]";
        }
    }

    record Case(String name, List<Msg> expected) {
        byte[] bytes() {
            return Fixtures.load("chunk/" + name + ".bin");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static byte[] cat(byte[]... parts) {
        return dev.amphi.ingest.rtmp.testing.FlvBodies.cat(parts);
    }

    static Stream<Case> table() {
        return Stream.of(
                new Case("type0-single", List.of(new Msg(3, 20, 1000, 0, payload(10, 1)))),
                new Case("type0-three-chunks", List.of(new Msg(4, 9, 0, 1, payload(300, 2)))),
                new Case("types-0-1-2-3", List.of(
                        new Msg(6, 8, 1000, 1, payload(4, 10)),
                        new Msg(6, 8, 1020, 1, payload(5, 20)),
                        new Msg(6, 8, 1043, 1, payload(5, 30)),
                        new Msg(6, 8, 1066, 1, payload(5, 40)))),
                new Case("interleaved", List.of(
                        new Msg(6, 8, 42, 1, payload(10, 60)),
                        new Msg(4, 9, 40, 1, payload(200, 50)))),
                new Case("extended-timestamp", List.of(
                        new Msg(4, 9, 0x01000000L, 1, payload(200, 70)),
                        new Msg(4, 9, 0x02000000L, 1, payload(200, 80)))),
                new Case("timestamp-wrap", List.of(
                        new Msg(4, 9, 0xFFFFFFF0L, 1, payload(2, 90)),
                        new Msg(4, 9, 0x10, 1, payload(2, 92)))),
                new Case("set-chunk-size-mid-stream", List.of(
                        new Msg(4, 9, 0, 1, payload(300, 100)),
                        new Msg(4, 9, 33, 1, payload(300, 110)))),
                new Case("abort", List.of(new Msg(4, 9, 50, 1, payload(5, 130)))),
                new Case("long-basic-headers", List.of(
                        new Msg(100, 18, 7, 1, payload(3, 140)),
                        new Msg(400, 18, 8, 1, payload(3, 150)))));
    }

    @AfterAll
    static void noLeaks() {
        LeakRecorder.assertNoLeaks();
    }

    @ParameterizedTest
    @MethodSource("table")
    void decodesTheFixtureInOneRead(Case c) {
        assertThat(decode(c.bytes(), c.bytes().length)).isEqualTo(c.expected());
    }

    @ParameterizedTest
    @MethodSource("table")
    void decodesTheFixtureSplitAtEveryOffset(Case c) {
        byte[] b = c.bytes();
        for (int split = 1; split < b.length; split++) {
            assertThat(decode(b, split)).as("split at " + split).isEqualTo(c.expected());
        }
    }

    @ParameterizedTest
    @MethodSource("table")
    void encodedMessagesDecodeBackToTheSameMessages(Case c) {
        for (int chunkSize : new int[] {128, 4096, 7}) {
            ChunkEncoder enc = new ChunkEncoder();
            enc.setChunkSize(chunkSize);
            ByteBuf out = Unpooled.buffer();
            byte[] setChunkSize = new ChunkBytes().type0(2, 0, 4, 1, 0)
                    .data(new byte[] {0, 0, (byte) (chunkSize >> 8), (byte) chunkSize}).bytes();
            out.writeBytes(setChunkSize);
            for (Msg m : c.expected()) {
                RtmpMessage rm = new RtmpMessage(m.csid(), m.type(), m.timestamp(), m.streamId(), Unpooled.wrappedBuffer(m.payload()));
                enc.encode(rm, out);
                rm.release();
            }
            byte[] bytes = ByteBufUtil.getBytes(out);
            out.release();
            assertThat(decode(bytes, bytes.length)).as("chunk size " + chunkSize).isEqualTo(c.expected());
        }
    }

    @Test
    void encoderWritesTheSpecsHeaderLayout() {
        ChunkEncoder enc = new ChunkEncoder();
        ByteBuf out = Unpooled.buffer();
        RtmpMessage m = new RtmpMessage(4, 9, 0x01000000L, 1, Unpooled.wrappedBuffer(payload(200, 70)));
        enc.encode(m, out);
        m.release();
        byte[] expected = new ChunkBytes().type0(4, 0xFFFFFF, 200, 9, 1).ext(0x01000000).data(payload(128, 70))
                .type3(4).ext(0x01000000).data(payload(72, 198)).bytes();
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(expected);
        out.release();
    }

    /** Feeds {@code bytes} in two writes split at {@code split} through the pipeline decoder. */
    static List<Msg> decode(byte[] bytes, int split) {
        CountingAllocator alloc = new CountingAllocator();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(new ChunkStreamDecoder(1 << 20, 1 << 20));
        ch.writeInbound(Unpooled.wrappedBuffer(bytes, 0, split));
        if (split < bytes.length) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));
        }
        List<Msg> out = new ArrayList<>();
        RtmpMessage m;
        while ((m = ch.readInbound()) != null) {
            out.add(Msg.of(m));
            m.release();
        }
        assertThat(ch.finish()).isFalse();
        assertThat(alloc.unreleased()).as("buffers not released").isZero();
        return out;
    }

    private static ChunkDecoder decoder() {
        return new ChunkDecoder(1000, 4096);
    }

    private static void decodeAll(ChunkDecoder d, byte[] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            Chunk c;
            while ((c = d.decode(in)) != null) {
                c.release();
            }
        } finally {
            in.release();
        }
    }

    @Test
    void rejectsAChunkStreamThatStartsWithoutAFullHeader() {
        assertThatThrownBy(() -> decodeAll(decoder(), new ChunkBytes().type1(5, 0, 4, 8).data(payload(4, 0)).bytes()))
                .isInstanceOf(CorruptedFrameException.class).hasMessage("chunk stream 5 starts with a type-1 header, expected type 0");
    }

    @Test
    void rejectsANewHeaderWhileAMessageIsIncomplete() {
        byte[] b = new ChunkBytes().type0(4, 0, 300, 9, 1).data(payload(128, 0)).type0(4, 0, 4, 9, 1).data(payload(4, 0)).bytes();
        assertThatThrownBy(() -> decodeAll(decoder(), b))
                .isInstanceOf(CorruptedFrameException.class).hasMessageContaining("still lacks 172 bytes");
    }

    @Test
    void rejectsAMessageLongerThanTheLimit() {
        assertThatThrownBy(() -> decodeAll(decoder(), new ChunkBytes().type0(4, 0, 1001, 9, 1).bytes()))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessage("message of 1001 bytes on chunk stream 4 exceeds the limit of 1000");
    }

    @Test
    void rejectsChunkSizeAboveLimitAndInvalidChunkSizes() {
        assertThatThrownBy(() -> decoder().setChunkSize(4097)).isInstanceOf(TooLongFrameException.class)
                .hasMessage("peer chunk size 4097 exceeds the limit of 4096");
        assertThatThrownBy(() -> decoder().setChunkSize(0)).isInstanceOf(CorruptedFrameException.class);
        assertThatThrownBy(() -> decoder().setChunkSize(0x80000000L)).isInstanceOf(CorruptedFrameException.class);
    }

    @Test
    void rejectsTooManyChunkStreams() {
        ChunkBytes b = new ChunkBytes();
        for (int csid = 3; csid < 3 + ChunkDecoder.MAX_CHUNK_STREAMS + 1; csid++) {
            b.type0(csid, 0, 1, 8, 1).data(new byte[1]);
        }
        assertThatThrownBy(() -> decodeAll(decoder(), b.bytes())).isInstanceOf(CorruptedFrameException.class)
                .hasMessage("more than 64 chunk streams in use");
    }

    @Test
    void assemblerBoundsTheBytesHeldByUnfinishedMessages() {
        ChunkDecoder d = new ChunkDecoder(1000, 4096);
        d.setChunkSize(999);
        MessageAssembler a = new MessageAssembler(UnpooledByteBufAllocator.DEFAULT, 1000);
        ChunkBytes b = new ChunkBytes();
        for (int csid = 3; csid < 6; csid++) {
            b.type0(csid, 0, 1000, 9, 1).data(payload(999, 0));
        }
        ByteBuf in = Unpooled.wrappedBuffer(b.bytes());
        try {
            assertThat(a.accept(d.decode(in))).isNull();
            assertThat(a.accept(d.decode(in))).isNull();
            assertThatThrownBy(() -> a.accept(d.decode(in))).isInstanceOf(TooLongFrameException.class)
                    .hasMessage("unfinished messages hold more than 2000 bytes");
        } finally {
            a.close();
            in.release();
        }
    }

    @Test
    void incompleteInputConsumesNothing() {
        byte[] b = Fixtures.load("chunk/type0-single.bin");
        ChunkDecoder d = decoder();
        for (int n = 0; n < b.length; n++) {
            ByteBuf in = Unpooled.wrappedBuffer(b, 0, n);
            assertThat(d.decode(in)).isNull();
            assertThat(in.readerIndex()).isZero();
            in.release();
        }
    }
}
