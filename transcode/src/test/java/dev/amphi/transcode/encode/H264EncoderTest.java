package dev.amphi.transcode.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.frame.Picture;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class H264EncoderTest {

    private static final int W = 320;
    private static final int H = 180;
    private static final long TICK = MediaPacket.TIMESCALE / 30;

    private static List<MediaPacket> encodeMovingBlock(H264Encoder enc, int frames, int forcedIdrAt) {
        List<MediaPacket> out = new ArrayList<>();
        try (Picture p = Picture.allocate(enc.width(), enc.height())) {
            for (int i = 0; i < frames; i++) {
                TestPictures.movingBlock(p, i);
                out.addAll(enc.encode(p, 1000 + i * TICK, i == forcedIdrAt));
            }
        }
        out.addAll(enc.flush());
        return out;
    }

    private static List<Long> idrPts(List<MediaPacket> packets) {
        return packets.stream().filter(MediaPacket::keyframe).map(MediaPacket::pts).toList();
    }

    @Test
    void encodedPicturesDecodeBackWithTheirSizeTimestampsAndContent() {
        try (H264Encoder enc = new H264Encoder(W, H, 500_000, EncoderSettings.x264("ultrafast", 30, 30))) {
            List<MediaPacket> packets = encodeMovingBlock(enc, 45, -1);

            assertThat(packets).hasSize(45).allMatch(p -> p.kind() == MediaKind.VIDEO && p.config().equals(enc.config()));
            assertThat(packets.get(0).keyframe()).isTrue();
            assertThat(packets).extracting(MediaPacket::dts).isSorted().doesNotHaveDuplicates();
            assertThat(packets).extracting(MediaPacket::pts).containsExactlyElementsOf(
                    java.util.stream.LongStream.range(0, 45).mapToObj(i -> 1000 + i * TICK).toList());
            assertThat(enc.misplacedIdrs()).isZero();

            List<Decoded.Frame> frames = Decoded.video(packets);
            assertThat(frames).hasSize(45).allMatch(f -> f.width() == W && f.height() == H);
            Decoded.Frame f20 = frames.get(20);
            int bx = TestPictures.blockX(20, W);
            int by = (H - TestPictures.BLOCK) / 2;
            assertThat(f20.meanLuma(bx + 4, by + 4, 24, 24)).isCloseTo(TestPictures.BLOCK_LUMA, org.assertj.core.data.Offset.offset(12.0));
            assertThat(f20.meanLuma(bx + 60, 8, 24, 24)).isCloseTo(TestPictures.BACKGROUND_LUMA, org.assertj.core.data.Offset.offset(12.0));
        }
    }

    @Test
    void putsIdrsEveryGopAndWhereForcedCountingFromTheLastIdr() {
        try (H264Encoder enc = new H264Encoder(W, H, 500_000, EncoderSettings.x264("veryfast", 30, 15))) {
            List<MediaPacket> packets = encodeMovingBlock(enc, 50, 20);

            assertThat(idrPts(packets)).containsExactly(1000L, 1000 + 15 * TICK, 1000 + 20 * TICK, 1000 + 35 * TICK);
            assertThat(enc.idrsOut()).isEqualTo(4);
            assertThat(enc.misplacedIdrs()).isZero();
        }
    }

    @Test
    void configCarriesTheSpsAndPpsTheDecoderNeeds() {
        try (H264Encoder enc = new H264Encoder(W, H, 500_000, EncoderSettings.x264("medium", 30, 30))) {
            assertThat(enc.config().sps()).hasSize(1);
            assertThat(enc.config().pps()).hasSize(1);
            assertThat(enc.config().nalLengthSize()).isEqualTo(4);
            assertThat(enc.config().rfc6381()).startsWith("avc1.64"); // High profile at preset medium
            byte[] record = enc.config().record();
            assertThat(record).hasSizeGreaterThan(11 + enc.config().sps().get(0).length + enc.config().pps().get(0).length);
            assertThat(record[record.length - 4] & 0x03).isEqualTo(1); // chroma_format_idc 4:2:0 in the High extension
            assertThat(Decoded.video(encodeMovingBlock(enc, 5, -1))).hasSize(5);
        }
    }

    @Test
    void keepsTheBitrateWithinTheVbvBoundsOnHardContent() {
        int bitrate = 800_000;
        try (H264Encoder enc = new H264Encoder(W, H, bitrate, EncoderSettings.x264("ultrafast", 30, 30));
             Picture p = Picture.allocate(W, H)) {
            Random random = new Random(7);
            List<MediaPacket> packets = new ArrayList<>();
            for (int i = 0; i < 90; i++) {
                TestPictures.noise(p, random);
                packets.addAll(enc.encode(p, i * TICK, false));
            }
            packets.addAll(enc.flush());
            // 3 s of noise: at most 3 s of bitrate plus the 2 × bitrate VBV buffer, and close to the
            // target once the buffer is spent (the last 2 s)
            long allBits = 8L * packets.stream().mapToLong(m -> m.data().length).sum();
            assertThat(allBits).isLessThanOrEqualTo(3L * bitrate + 2L * bitrate);
            long lastTwoSeconds = 8L * packets.stream().filter(m -> m.pts() >= 30 * TICK).mapToLong(m -> m.data().length).sum();
            assertThat(lastTwoSeconds / 2.0).isBetween(0.6 * bitrate, 1.15 * bitrate);
        }
    }

    @Test
    void openH264IsSelectable() {
        EncoderSettings s = new EncoderSettings(VideoCodec.OPENH264, "default", 30, 10, 1);
        try (H264Encoder enc = new H264Encoder(W, H, 500_000, s)) {
            List<MediaPacket> packets = encodeMovingBlock(enc, 25, -1);
            assertThat(idrPts(packets)).containsExactly(1000L, 1000 + 10 * TICK, 1000 + 20 * TICK);
            assertThat(Decoded.video(packets)).hasSize(25).allMatch(f -> f.width() == W && f.height() == H);
        }
    }

    @Test
    void nvencFailsWithAClearMessageWithoutAnNvidiaGpu() {
        EncoderSettings s = new EncoderSettings(VideoCodec.NVENC, "p1", 30, 30, 0);
        H264Encoder enc;
        try {
            enc = new H264Encoder(W, H, 500_000, s);
        } catch (IllegalStateException e) {
            assertThat(e).hasMessageContaining("avcodec_open2(h264_nvenc").hasMessageContaining("NVIDIA GPU")
                    .hasMessageMatching("[\\p{Print}]+"); // FFmpeg's error text, no stray bytes
            return;
        }
        try (enc) { // a machine with a GPU: then it must work
            assertThat(Decoded.video(encodeMovingBlock(enc, 5, -1))).hasSize(5);
        }
    }

    @Test
    void unknownPresetFailsFastNamingTheChoices() {
        assertThatThrownBy(() -> EncoderSettings.x264("warpspeed", 30, 60))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'warpspeed'").hasMessageContaining("ultrafast");
    }

    @Test
    void rejectsPicturesOfAnotherSizeAndTimestampsThatDoNotIncrease() {
        try (H264Encoder enc = new H264Encoder(W, H, 500_000, EncoderSettings.x264("ultrafast", 30, 30));
             Picture p = Picture.allocate(W, H);
             Picture other = Picture.allocate(W + 2, H)) {
            enc.encode(p, 3000, false);
            assertThatThrownBy(() -> enc.encode(p, 3000, false)).hasMessageContaining("pts must increase: 3000 after 3000");
            assertThatThrownBy(() -> enc.encode(other, 6000, false)).hasMessageContaining("322x180");
        }
        assertThatThrownBy(() -> new H264Encoder(321, H, 1, EncoderSettings.x264("ultrafast", 30, 30)))
                .hasMessageContaining("321x180");
    }

    @Test
    void closeIsIdempotentAndLaterUseFailsClearly() {
        H264Encoder enc = new H264Encoder(W, H, 500_000, EncoderSettings.x264("ultrafast", 30, 30));
        enc.close();
        enc.close();
        try (Picture p = Picture.allocate(W, H)) {
            assertThatThrownBy(() -> enc.encode(p, 0, false)).hasMessageContaining("closed");
        }
    }
}
