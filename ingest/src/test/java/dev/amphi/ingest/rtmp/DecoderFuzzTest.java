package dev.amphi.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.amphi.ingest.rtmp.amf.Amf0;
import dev.amphi.ingest.rtmp.chunk.ChunkEncoder;
import dev.amphi.ingest.rtmp.chunk.ChunkStreamDecoder;
import dev.amphi.ingest.rtmp.chunk.ChunkStreamEncoder;
import dev.amphi.ingest.rtmp.command.CommandHandler;
import dev.amphi.ingest.rtmp.command.IngestContext;
import dev.amphi.ingest.rtmp.flv.FlvTagParser;
import dev.amphi.ingest.rtmp.flv.UnsupportedCodecException;
import dev.amphi.ingest.rtmp.handshake.HandshakeHandler;
import dev.amphi.ingest.rtmp.message.MessageType;
import dev.amphi.ingest.rtmp.message.RtmpMessage;
import dev.amphi.ingest.rtmp.publish.PublishRegistry;
import dev.amphi.ingest.rtmp.testing.FlvBodies;
import dev.amphi.ingest.rtmp.testing.Fixtures;
import dev.amphi.ingest.rtmp.testing.LeakRecorder;
import dev.amphi.ingest.rtmp.testing.RawRtmpClient;
import dev.amphi.ingest.rtmp.testing.TestAuthorizer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded random-mutation fuzzing of the decoders: whatever the bytes, only the declared exceptions
 * come out, nothing leaks, and every run finishes quickly.
 */
class DecoderFuzzTest {

    private static final long SEED = 0x5eed_2026L;

    private static final ch.qos.logback.classic.Logger AMPHI_LOG =
            (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.amphi");

    @org.junit.jupiter.api.BeforeAll
    static void quiet() {
        AMPHI_LOG.setLevel(ch.qos.logback.classic.Level.ERROR); // thousands of refused sessions
    }

    @AfterAll
    static void noLeaks() {
        AMPHI_LOG.setLevel(null);
        LeakRecorder.assertNoLeaks();
    }

    /** A complete, valid publisher session after the handshake. */
    static byte[] session() {
        ChunkEncoder enc = new ChunkEncoder();
        ByteBuf out = Unpooled.buffer();
        List<RtmpMessage> msgs = new ArrayList<>();
        msgs.add(cmd(0, "connect", 1.0, Amf0.object("app", "live", "tcUrl", "rtmp://x/live")));
        msgs.add(new RtmpMessage(2, MessageType.WINDOW_ACK_SIZE, 0, 0, Unpooled.wrappedBuffer(new byte[] {0, 0, 0x10, 0})));
        msgs.add(cmd(0, "releaseStream", 2.0, null, "good"));
        msgs.add(cmd(0, "FCPublish", 3.0, null, "good"));
        msgs.add(cmd(0, "createStream", 4.0, null));
        msgs.add(cmd(1, "publish", 0.0, null, "good?x=y", "live"));
        msgs.add(new RtmpMessage(4, MessageType.DATA_AMF0, 0, 1, Unpooled.wrappedBuffer(RawRtmpClient.amf("@setDataFrame",
                "onMetaData", new Amf0.EcmaArray(Amf0.object("width", 320.0, "videocodecid", 7.0))))));
        msgs.add(media(MessageType.VIDEO, 0, FlvBodies.avcSequenceHeader()));
        msgs.add(media(MessageType.AUDIO, 0, FlvBodies.aacSequenceHeader()));
        for (int i = 0; i < 6; i++) {
            msgs.add(media(MessageType.VIDEO, 33L * i, FlvBodies.avcFrame(i == 0, i % 3 == 1 ? -33 : 66, FlvBodies.avcc(0x41, 100 + 60 * i))));
            msgs.add(media(MessageType.AUDIO, 23L * i, FlvBodies.aacFrame(20 + i)));
        }
        msgs.add(new RtmpMessage(2, MessageType.SET_CHUNK_SIZE, 0, 0, Unpooled.wrappedBuffer(new byte[] {0, 0, 1, 0})));
        msgs.add(media(MessageType.VIDEO, 300, FlvBodies.avcFrame(true, 0, FlvBodies.avcc(0x65, 700))));
        msgs.add(new RtmpMessage(2, MessageType.USER_CONTROL, 0, 0, Unpooled.wrappedBuffer(new byte[] {0, 6, 0, 0, 0, 1})));
        msgs.add(cmd(0, "FCUnpublish", 5.0, null, "good"));
        msgs.add(cmd(0, "deleteStream", 6.0, null, 1.0));
        for (RtmpMessage m : msgs) {
            enc.encode(m, out);
            if (m.typeId() == MessageType.SET_CHUNK_SIZE) {
                enc.setChunkSize(256);
            }
            m.release();
        }
        byte[] b = ByteBufUtil.getBytes(out);
        out.release();
        return b;
    }

    private static RtmpMessage cmd(int stream, Object... values) {
        return new RtmpMessage(3, MessageType.COMMAND_AMF0, 0, stream, Unpooled.wrappedBuffer(RawRtmpClient.amf(values)));
    }

    private static RtmpMessage media(int type, long ts, byte[] body) {
        return new RtmpMessage(type == MessageType.VIDEO ? 6 : 4, type, ts, 1, Unpooled.wrappedBuffer(body));
    }

    static byte[] mutate(byte[] in, Random r) {
        byte[] b = in.clone();
        int edits = 1 + r.nextInt(6);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(5)) {
                case 0 -> b[at] = (byte) r.nextInt(256);
                case 1 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 2 -> b[at] = (byte) (r.nextBoolean() ? 0xff : 0x00);
                case 3 -> b = java.util.Arrays.copyOf(b, at);                       // truncate
                default -> {                                                          // duplicate a slice
                    int len = Math.min(b.length - at, 1 + r.nextInt(64));
                    b = FlvBodies.cat(java.util.Arrays.copyOf(b, at + len), java.util.Arrays.copyOfRange(b, at, b.length));
                }
            }
        }
        return b;
    }

    static boolean declared(Throwable t) {
        return t instanceof CorruptedFrameException || t instanceof TooLongFrameException
                || t instanceof HandshakeHandler.HandshakeTimeoutException
                || (t instanceof DecoderException && t.getCause() == null);
    }

    /** Terminal handler: records exceptions and releases whatever reaches it. */
    static final class Sink extends ChannelInboundHandlerAdapter {
        final List<Throwable> errors = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
            ctx.close();
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
    void mutatedSessionsThroughThePipelineRaiseOnlyDeclaredExceptions() {
        byte[] valid = session();
        Random r = new Random(SEED);
        for (int i = 0; i < 2000; i++) {
            byte[] input = i == 0 ? valid : mutate(valid, r);
            TestAuthorizer authorizer = new TestAuthorizer().key("good", "lobby");
            Sink sink = new Sink();
            dev.amphi.ingest.rtmp.testing.CountingAllocator alloc = new dev.amphi.ingest.rtmp.testing.CountingAllocator();
            EmbeddedChannel ch = new EmbeddedChannel();
            ch.config().setAllocator(alloc);
            ch.pipeline().addLast(new ChunkStreamEncoder(), new ChunkStreamDecoder(64 * 1024, 64 * 1024),
                    new CommandHandler(new IngestContext(authorizer, new PublishRegistry(), true, new RtmpListener() { }), false),
                    sink);
            int pos = 0;
            while (pos < input.length && ch.isOpen()) {
                int n = Math.min(input.length - pos, 1 + r.nextInt(300));
                ch.writeInbound(Unpooled.wrappedBuffer(input, pos, n));
                pos += n;
            }
            ch.finishAndReleaseAll();
            assertThat(alloc.unreleased()).as("iteration " + i + ": buffers not released").isZero();
            for (Throwable t : sink.errors) {
                if (!declared(t)) {
                    fail("iteration " + i + ": undeclared " + t, t);
                }
            }
            if (i == 0) {
                assertThat(alloc.allocated).as("the pipeline allocated through the counting allocator").isNotEmpty();
                assertThat(sink.errors).as("the unmutated session is valid").isEmpty();
                assertThat(authorizer.sink("lobby").session(0)).hasSize(13);
                assertThat(authorizer.sink("lobby").ends()).isEqualTo(1);
            }
            assertThat(authorizer.sink("lobby").ends()).as("onEnd at most once").isLessThanOrEqualTo(1);
        }
    }

    @Test
    void mutatedHandshakesRaiseOnlyDeclaredExceptions() {
        Random r = new Random(SEED + 1);
        byte[] valid = FlvBodies.cat(Fixtures.load("handshake/c0c1-digest-scheme0.bin"), new byte[1536], new byte[] {3});
        for (int i = 0; i < 300; i++) {
            Sink sink = new Sink();
            EmbeddedChannel ch = new EmbeddedChannel(new HandshakeHandler(Duration.ofSeconds(1), Clock.systemUTC(), r), sink);
            ch.writeInbound(Unpooled.wrappedBuffer(mutate(valid, r)));
            ch.finishAndReleaseAll();
            sink.errors.forEach(t -> assertThat(declared(t)).as(t.toString()).isTrue());
        }
    }

    @Test
    void mutatedAmfAndFlvBodiesRaiseOnlyDeclaredExceptions() {
        Random r = new Random(SEED + 2);
        List<byte[]> amf = List.of(
                RawRtmpClient.amf("connect", 1.0, Amf0.object("app", "live", "n", List.of(1.0, "x", Amf0.object("k", true)))),
                RawRtmpClient.amf("@setDataFrame", "onMetaData", new Amf0.EcmaArray(Amf0.object("w", 1.0, "d", new Amf0.AmfDate(1, (short) 0)))));
        List<byte[]> video = List.of(FlvBodies.avcSequenceHeader(), FlvBodies.avcFrame(true, -5, FlvBodies.avcc(0x65, 9)),
                FlvBodies.exVideoSequenceStart("avc1"));
        List<byte[]> audio = List.of(FlvBodies.aacSequenceHeader(), FlvBodies.aacFrame(5));
        for (int i = 0; i < 3000; i++) {
            byte[] a = mutate(amf.get(i % amf.size()), r);
            try {
                Amf0.decodeAll(Unpooled.wrappedBuffer(a));
            } catch (CorruptedFrameException expected) {
                // declared
            }
            boolean isVideo = r.nextBoolean();
            byte[] f = mutate((isVideo ? video : audio).get(r.nextInt(isVideo ? video.size() : audio.size())), r);
            try {
                if (isVideo) {
                    FlvTagParser.parseVideo(Unpooled.wrappedBuffer(f));
                } else {
                    FlvTagParser.parseAudio(Unpooled.wrappedBuffer(f));
                }
            } catch (CorruptedFrameException | UnsupportedCodecException expected) {
                // declared
            }
        }
    }
}
