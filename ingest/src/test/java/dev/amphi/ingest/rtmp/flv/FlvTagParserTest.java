package dev.amphi.ingest.rtmp.flv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.ingest.rtmp.testing.FlvBodies;
import dev.amphi.ingest.rtmp.testing.Fixtures;
import dev.amphi.media.AacConfig;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaKind;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** FLV audio/video tag bodies: one table of {fixture, expected tag}. */
class FlvTagParserTest {

    record Case(String fixture, boolean video, FlvTag expected) {
        @Override
        public String toString() {
            return fixture;
        }
    }

    static Stream<Case> table() {
        return Stream.of(
                new Case("flv/avc-sequence-header.bin", true,
                        new FlvTag.SequenceHeader(AvcConfig.parse(FlvBodies.avcDecoderConfig()))),
                new Case("flv/avc-keyframe-cto-66.bin", true,
                        new FlvTag.Frame(MediaKind.VIDEO, true, 66, FlvBodies.avcc(0x65, 40))),
                new Case("flv/avc-interframe-negative-cto.bin", true,
                        new FlvTag.Frame(MediaKind.VIDEO, false, -33, FlvBodies.avcc(0x41, 20))),
                new Case("flv/aac-sequence-header.bin", false, new FlvTag.SequenceHeader(AacConfig.parse(FlvBodies.ASC))),
                new Case("flv/aac-raw.bin", false,
                        new FlvTag.Frame(MediaKind.AUDIO, true, 0, Arrays.copyOfRange(FlvBodies.aacFrame(24), 2, 26))));
    }

    static FlvTag parse(boolean video, byte[] body) {
        return video ? FlvTagParser.parseVideo(Unpooled.wrappedBuffer(body)) : FlvTagParser.parseAudio(Unpooled.wrappedBuffer(body));
    }

    @ParameterizedTest
    @MethodSource("table")
    void parsesTheFixture(Case c) {
        FlvTag tag = parse(c.video(), Fixtures.load(c.fixture()));
        if (c.expected() instanceof FlvTag.Frame f) {
            FlvTag.Frame actual = (FlvTag.Frame) tag;
            assertThat(actual.kind()).isEqualTo(f.kind());
            assertThat(actual.keyframe()).isEqualTo(f.keyframe());
            assertThat(actual.compositionTimeMs()).isEqualTo(f.compositionTimeMs());
            assertThat(actual.data()).isEqualTo(f.data());
        } else {
            assertThat(tag).isEqualTo(c.expected());
        }
    }

    @ParameterizedTest
    @MethodSource("table")
    void everyTruncationOfASequenceHeaderOrFrameHeaderFailsCleanly(Case c) {
        byte[] b = Fixtures.load(c.fixture());
        for (int n = 1; n < b.length; n++) {
            try {
                parse(c.video(), Arrays.copyOf(b, n));
            } catch (CorruptedFrameException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    /** Each fixture as the payload of an RTMP message, through the chunk pipeline split at every offset. */
    @ParameterizedTest
    @MethodSource("table")
    void parsesTheFixtureAfterTheChunkPipelineSplitAtEveryOffset(Case c) {
        byte[] body = Fixtures.load(c.fixture());
        io.netty.buffer.ByteBuf wire = Unpooled.buffer();
        dev.amphi.ingest.rtmp.message.RtmpMessage m = new dev.amphi.ingest.rtmp.message.RtmpMessage(
                c.video() ? 6 : 4, c.video() ? 9 : 8, 40, 1, Unpooled.wrappedBuffer(body));
        dev.amphi.ingest.rtmp.chunk.ChunkEncoder enc = new dev.amphi.ingest.rtmp.chunk.ChunkEncoder();
        enc.setChunkSize(16);
        wire.writeBytes(new Fixtures.ChunkBytes().type0(2, 0, 4, 1, 0).data(new byte[] {0, 0, 0, 16}).bytes());
        enc.encode(m, wire);
        m.release();
        byte[] bytes = io.netty.buffer.ByteBufUtil.getBytes(wire);
        wire.release();
        FlvTag direct = parse(c.video(), body);
        for (int split = 1; split < bytes.length; split++) {
            dev.amphi.ingest.rtmp.testing.CountingAllocator alloc = new dev.amphi.ingest.rtmp.testing.CountingAllocator();
            io.netty.channel.embedded.EmbeddedChannel ch = new io.netty.channel.embedded.EmbeddedChannel();
            ch.config().setAllocator(alloc);
            ch.pipeline().addLast(new dev.amphi.ingest.rtmp.chunk.ChunkStreamDecoder(1 << 16, 1 << 16));
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, 0, split));
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, split, bytes.length - split));
            dev.amphi.ingest.rtmp.message.RtmpMessage got = ch.readInbound();
            try {
                FlvTag tag = c.video() ? FlvTagParser.parseVideo(got.payload()) : FlvTagParser.parseAudio(got.payload());
                if (direct instanceof FlvTag.Frame f) {
                    assertThat(((FlvTag.Frame) tag).data()).as("split " + split).isEqualTo(f.data());
                    assertThat(((FlvTag.Frame) tag).compositionTimeMs()).isEqualTo(f.compositionTimeMs());
                } else {
                    assertThat(tag).as("split " + split).isEqualTo(direct);
                }
            } finally {
                got.release();
            }
            assertThat(ch.finish()).isFalse();
            assertThat(alloc.unreleased()).as("buffers not released").isZero();
        }
    }

    @Test
    void sequenceHeaderConfigsCarryProfileAndSampleRate() {
        AvcConfig avc = (AvcConfig) ((FlvTag.SequenceHeader) parse(true, FlvBodies.avcSequenceHeader())).config();
        assertThat(avc.profile()).isEqualTo(100);
        assertThat(avc.rfc6381()).isEqualTo("avc1.64001f");
        AacConfig aac = (AacConfig) ((FlvTag.SequenceHeader) parse(false, FlvBodies.aacSequenceHeader())).config();
        assertThat(aac.sampleRate()).isEqualTo(44_100);
        assertThat(aac.channels()).isEqualTo(2);
    }

    @Test
    void enhancedRtmpAvcIsAccepted() {
        byte[] seq = FlvBodies.cat(new byte[] {(byte) 0x90, 'a', 'v', 'c', '1'}, FlvBodies.avcDecoderConfig());
        assertThat(parse(true, seq)).isInstanceOf(FlvTag.SequenceHeader.class);
        byte[] frame = FlvBodies.cat(new byte[] {(byte) 0xa1, 'a', 'v', 'c', '1', (byte) 0xff, (byte) 0xff, (byte) 0xdf},
                FlvBodies.avcc(0x41, 4));
        FlvTag.Frame f = (FlvTag.Frame) parse(true, frame);
        assertThat(f.keyframe()).isFalse();
        assertThat(f.compositionTimeMs()).isEqualTo(-33);
        byte[] frameX = FlvBodies.cat(new byte[] {(byte) 0x93, 'a', 'v', 'c', '1'}, FlvBodies.avcc(0x65, 4));
        FlvTag.Frame x = (FlvTag.Frame) parse(true, frameX);
        assertThat(x.keyframe()).isTrue();
        assertThat(x.compositionTimeMs()).isZero();
    }

    record Refused(String name, boolean video, byte[] body, String codec) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Refused> unsupported() {
        Function<String, byte[]> ex = FlvBodies::exVideoSequenceStart;
        return Stream.of(
                new Refused("enhanced HEVC", true, Fixtures.load("flv/ex-hevc-sequence-start.bin"), "HEVC"),
                new Refused("enhanced AV1", true, ex.apply("av01"), "AV1"),
                new Refused("enhanced VP9", true, ex.apply("vp09"), "VP9"),
                new Refused("legacy HEVC id 12", true, new byte[] {0x1c, 0, 0, 0, 0}, "HEVC"),
                new Refused("Sorenson", true, new byte[] {0x12, 0}, "Sorenson H.263"),
                new Refused("VP6", true, new byte[] {0x14, 0}, "On2 VP6"),
                new Refused("screen video", true, new byte[] {0x13, 0}, "Screen Video"),
                new Refused("MP3", false, Fixtures.load("flv/mp3.bin"), "MP3"),
                new Refused("Speex", false, new byte[] {(byte) 0xb2, 0}, "Speex"),
                new Refused("Nellymoser", false, new byte[] {0x62, 0}, "Nellymoser"),
                new Refused("PCM", false, new byte[] {0x3f, 0}, "Linear PCM"),
                new Refused("G.711", false, new byte[] {0x72, 0}, "G.711 A-law"),
                new Refused("enhanced Opus", false, new byte[] {(byte) 0x90, 'O', 'p', 'u', 's'}, "Opus"));
    }

    @ParameterizedTest
    @MethodSource("unsupported")
    void refusesUnsupportedCodecsByName(Refused r) {
        assertThatThrownBy(() -> parse(r.video(), r.body())).isInstanceOf(UnsupportedCodecException.class)
                .satisfies(e -> assertThat(((UnsupportedCodecException) e).codec()).isEqualTo(r.codec()));
    }

    @Test
    void skipsWhatCarriesNoMedia() {
        assertThat(parse(true, new byte[0])).isInstanceOf(FlvTag.Skip.class);
        assertThat(parse(true, new byte[] {0x17, 2, 0, 0, 0})).isEqualTo(new FlvTag.Skip("end of sequence"));
        assertThat(parse(true, new byte[] {0x57, 0})).isEqualTo(new FlvTag.Skip("video info/command frame"));
        assertThat(parse(false, new byte[] {(byte) 0xaf, 1})).isEqualTo(new FlvTag.Skip("empty AAC frame"));
    }

    @Test
    void refusesAMalformedSequenceHeaderPrecisely() {
        assertThatThrownBy(() -> parse(true, new byte[] {0x17, 0, 0, 0, 0, 1, 0x64}))
                .isInstanceOf(CorruptedFrameException.class).hasMessageStartingWith("bad AVC sequence header: ");
        assertThatThrownBy(() -> parse(true, new byte[] {0x17, 7, 0, 0, 0}))
                .isInstanceOf(CorruptedFrameException.class).hasMessage("AVC packet type 7, expected 0, 1 or 2");
    }
}
