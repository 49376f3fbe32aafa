package dev.amphi.transcode.video;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.frame.Picture;
import dev.amphi.transcode.frame.Rect;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A tile under overload: which pictures it still decodes and shows at each shed level. */
class SpeakerVideoShedTest {

    /** 320x180, 60 frames, keyframe every 30, 3 B-frames (x264 ultrafast with bframes=3), frame i is grey 20 + 3i. */
    private static List<MediaPacket> stream;

    @BeforeAll
    static void encode() {
        stream = TestStreams.encode(320, 180, 60, 30, "ultrafast", "bframes=3:b-pyramid=none", (i, img, stride) -> {
            int g = 20 + 3 * i;
            for (int y = 0; y < 180; y++) {
                for (int x = 0; x < 320 * 3; x++) {
                    img.put(y * stride + x, (byte) g);
                }
            }
        });
        assertThat(stream).hasSize(60);
    }

    private static long nonReference(List<MediaPacket> packets) {
        return packets.stream().filter(p -> !VideoDecoder.isReference(p.data(), ((AvcConfig) p.config()).nalLengthSize())).count();
    }

    /** Feeds {@code packets} from index {@code from} and returns how many pictures came out; draws the newest. */
    private static int feedAndCount(SpeakerVideo v, Picture canvas, List<MediaPacket> packets, int from) {
        long before = v.decodedFrames();
        for (int i = from; i < packets.size(); i++) {
            v.onPacket(packets.get(i), packets.get(i).pts());
        }
        long end = packets.stream().mapToLong(MediaPacket::pts).max().orElse(0);
        v.drawInto(canvas, new Rect(0, 0, 320, 180), end);
        return (int) (v.decodedFrames() - before);
    }

    @Test
    void theTestStreamHasNonReferencePictures() {
        assertThat(nonReference(stream)).isGreaterThan(20);
        assertThat(VideoDecoder.isReference(stream.get(0).data(), 4)).isTrue();
    }

    /** Pictures out of a fresh tile fed the whole stream without shedding (the decoder holds its reorder delay back). */
    private static int baseline() {
        try (SpeakerVideo v = new SpeakerVideo("base"); Picture canvas = Picture.allocate(320, 180)) {
            v.target(320, 180);
            return feedAndCount(v, canvas, stream, 0);
        }
    }

    /** The stream again, {@code seconds} later. */
    private static List<MediaPacket> later(int seconds) {
        long d = seconds * (long) MediaPacket.TIMESCALE;
        return stream.stream().map(p -> new MediaPacket(p.kind(), p.config(), p.dts() + d, p.compositionOffset(), p.keyframe(),
                p.data())).toList();
    }

    @Test
    void levelOneDropsNonReferencePicturesBeforeTheDecoderAndCountsThem() {
        int base = baseline();
        assertThat(base).isBetween(57, 60);
        try (SpeakerVideo v = new SpeakerVideo("a"); Picture canvas = Picture.allocate(320, 180)) {
            v.target(320, 180);
            v.shed(SpeakerVideo.SHED_NONREF);
            int shown = feedAndCount(v, canvas, stream, 0);
            long dropped = nonReference(stream);
            assertThat(v.shedFrames()).isEqualTo(dropped);
            assertThat(shown).isEqualTo(base - (int) dropped);
            assertThat(v.errors()).isZero();
        }
    }

    @Test
    void levelTwoAlsoShowsEverySecondDecodedPicture() {
        int references = baseline() - (int) nonReference(stream); // reference pictures the decoder lets out
        try (SpeakerVideo v = new SpeakerVideo("a"); Picture canvas = Picture.allocate(320, 180)) {
            v.target(320, 180);
            v.shed(SpeakerVideo.SHED_HALF);
            int shown = feedAndCount(v, canvas, stream, 0);
            assertThat(shown).isEqualTo((references + 1) / 2);
            assertThat(v.shedFrames()).isEqualTo(nonReference(stream) + references / 2);
        }
    }

    @Test
    void levelThreeDecodesKeyframesOnlyAndFullRateResumesAtTheNextKeyframe() {
        long keyframes = stream.stream().filter(MediaPacket::keyframe).count();
        try (SpeakerVideo v = new SpeakerVideo("a"); Picture canvas = Picture.allocate(320, 180)) {
            v.target(320, 180);
            v.shed(SpeakerVideo.SHED_KEYFRAMES);
            assertThat(feedAndCount(v, canvas, stream, 0)).as("every keyframe shown (the decoder may hold the last)")
                    .isBetween((int) keyframes - 1, (int) keyframes);
            assertThat(v.shedFrames()).isEqualTo(60 - keyframes);
            v.shed(0); // load gone: the tile runs at full rate again from the next keyframe
            assertThat(feedAndCount(v, canvas, later(10), 0)).isGreaterThanOrEqualTo(57);
            assertThat(v.shedFrames()).isEqualTo(60 - keyframes);
            // the tile shows the end of the second pass: grey 20 + 3i with i near 59
            int luma = Pixels.luma(canvas, 160, 90);
            assertThat(luma).isBetween(TestStreams.yuv((20 + 3 * 55) * 0x010101)[0], TestStreams.yuv((20 + 3 * 59) * 0x010101)[0] + 2);
        }
    }

    @Test
    void levelOneCostsAStreamWithoutBFramesNothing() {
        List<MediaPacket> plain = TestStreams.solid(320, 180, 40, 20, i -> (40 + 4 * i) * 0x010101);
        assertThat(nonReference(plain)).isZero();
        try (SpeakerVideo v = new SpeakerVideo("a"); Picture canvas = Picture.allocate(320, 180)) {
            v.target(320, 180);
            v.shed(SpeakerVideo.SHED_NONREF);
            assertThat(feedAndCount(v, canvas, plain, 0)).isEqualTo(40);
            assertThat(v.shedFrames()).isZero();
        }
    }

    @Test
    void withoutShortcutsASmallTileDecodesEveryPicture() {
        int base = baseline();
        try (SpeakerVideo full = new SpeakerVideo("full", TileShortcuts.NONE); SpeakerVideo fast = new SpeakerVideo("fast");
             Picture canvas = Picture.allocate(320, 180)) {
            full.target(160, 90); // half the source: small enough for the reduced decoding
            fast.target(160, 90);
            assertThat(feedAndCount(full, canvas, stream, 0)).as("full quality: every picture").isEqualTo(base);
            assertThat(full.reducedDecoding()).isFalse();
            assertThat(feedAndCount(fast, canvas, stream, 0)).as("with the shortcuts: non-reference pictures skipped")
                    .isLessThan(base);
            assertThat(fast.reducedDecoding()).isTrue();
        }
    }
}
