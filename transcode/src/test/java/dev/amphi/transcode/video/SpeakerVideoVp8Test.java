package dev.amphi.transcode.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.frame.Picture;
import dev.amphi.transcode.frame.Rect;
import dev.amphi.transcode.testing.WebRtcStreams;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A WebRTC speaker's VP8 tile: decoded like H.264, and a speaker may switch codec mid-stream. */
class SpeakerVideoVp8Test {

    private static final int RED = 0xdd2020;
    private static final int BLUE = 0x2040dd;
    private static final int GREEN = 0x20c040;
    /** 320x180 VP8, 30 frames, keyframe every 10: red, then blue from frame 10, then green from 20. */
    private static List<MediaPacket> vp8;

    @BeforeAll
    static void encode() {
        vp8 = WebRtcStreams.vp8(320, 180, 30, 10, i -> TestStreams.yuv(i < 10 ? RED : i < 20 ? BLUE : GREEN));
        assertThat(vp8).hasSize(30);
        assertThat(vp8.get(0).keyframe()).isTrue();
        assertThat(vp8.get(10).keyframe()).isTrue();
        assertThat(vp8.get(11).keyframe()).isFalse();
    }

    private static void feed(SpeakerVideo v, List<MediaPacket> packets, int from, int to, long offset) {
        for (int i = from; i <= to; i++) {
            v.onPacket(packets.get(i), packets.get(i).pts() + offset);
        }
    }

    private static void assertShows(SpeakerVideo v, Picture canvas, long pts, int rgb, String what) {
        assertThat(v.drawInto(canvas, new Rect(0, 0, 320, 180), pts)).as(what + ": a picture is drawn").isTrue();
        assertThat(Pixels.near(canvas, 160, 60, TestStreams.yuv(rgb), 10)).as(what + ": " + Pixels.describe(canvas, 160, 60))
                .isTrue();
    }

    @Test
    void aVp8StreamDecodesIntoItsTileAndAJoinerWaitsForAKeyframe() {
        try (SpeakerVideo v = new SpeakerVideo("vp8"); Picture canvas = Picture.allocate(320, 180)) {
            v.target(320, 180);
            feed(v, vp8, 3, 9, 0); // joined mid-GOP
            assertThat(v.keyframeWaits()).isEqualTo(7);
            feed(v, vp8, 10, 29, 0);
            assertThat(v.errors()).isZero();
            assertThat(v.decodedFrames()).isEqualTo(20);
            assertShows(v, canvas, vp8.get(15).pts(), BLUE, "frame 15");
            assertShows(v, canvas, vp8.get(29).pts(), GREEN, "frame 29");
        }
    }

    @Test
    void aTileWaitingForAKeyframeAsksTheSenderOnceNotForEveryPacket() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        try (SpeakerVideo v = new SpeakerVideo("webrtc"); Picture canvas = Picture.allocate(320, 180)) {
            v.keyframeRequests(asked::incrementAndGet);
            v.target(320, 180);
            feed(v, vp8, 3, 9, 0); // joined mid-GOP: seven packets it cannot decode
            assertThat(v.keyframeWaits()).isEqualTo(7);
            assertThat(asked.get()).as("asked at the first undecodable packet, not again within 2 s").isEqualTo(1);
            assertThat(v.keyframeRequestsMade()).isEqualTo(1);
            feed(v, vp8, 10, 19, 0); // the keyframe that came
            assertThat(v.decodedFrames()).isEqualTo(10);
            assertShows(v, canvas, vp8.get(15).pts(), BLUE, "frame 15");
            assertThat(asked.get()).as("no wait, no request").isEqualTo(1);
        }
    }

    @Test
    void aSenderThatCannotBeAskedIsNotAsked() {
        try (SpeakerVideo v = new SpeakerVideo("rtmp")) {
            v.target(320, 180);
            feed(v, vp8, 3, 9, 0);
            assertThat(v.keyframeWaits()).isEqualTo(7);
            assertThat(v.keyframeRequestsMade()).isZero();
        }
    }

    @Test
    void aSpeakerSwitchingFromH264ToVp8AndBackStartsOverAtEachNewKeyframe() {
        List<MediaPacket> avc = TestStreams.solid(320, 180, 20, 10, i -> RED);
        long second = avc.get(19).pts() + 3000;
        long third = second + vp8.get(29).pts() + 3000;
        try (SpeakerVideo v = new SpeakerVideo("switch"); Picture canvas = Picture.allocate(320, 180)) {
            v.target(320, 180);
            feed(v, avc, 0, 19, 0);
            assertShows(v, canvas, avc.get(19).pts(), RED, "H.264");
            feed(v, vp8, 10, 19, second); // the browser renegotiated to VP8: blue
            assertShows(v, canvas, second + vp8.get(19).pts(), BLUE, "VP8 after H.264");
            feed(v, avc, 0, 9, third); // and back to H.264
            assertShows(v, canvas, third + avc.get(9).pts(), RED, "H.264 after VP8");
            assertThat(v.errors()).isZero();
            assertThat(v.keyframeWaits()).isZero();
            assertThat(v.decodedFrames()).isEqualTo(40);
        }
    }

    @Test
    void corruptVp8FramesAreCountedAndDecodingResumesAtTheNextKeyframe() {
        MediaPacket at5 = vp8.get(5);
        // an inter frame whose first partition claims more bytes than the frame has
        MediaPacket truncated = new MediaPacket(MediaKind.VIDEO, at5.config(), at5.dts(), 0, false,
                new byte[] {(byte) 0xf1, (byte) 0xff, (byte) 0xff, 1, 2, 3, 4, 5});
        MediaPacket at10 = vp8.get(10);
        // a "keyframe" without VP8's start code
        MediaPacket noStartCode = new MediaPacket(MediaKind.VIDEO, at10.config(), at10.dts(), 0, true,
                new byte[] {0x10, 0x02, 0x00, 0x11, 0x22, 0x33, 0x40, 0x01, (byte) 0xb4, 0x00, 1, 2, 3, 4});
        try (SpeakerVideo v = new SpeakerVideo("broken"); Picture canvas = Picture.allocate(320, 180)) {
            v.target(320, 180);
            feed(v, vp8, 0, 4, 0);
            assertThatCode(() -> v.onPacket(truncated, truncated.pts())).doesNotThrowAnyException();
            assertThat(v.errors()).isEqualTo(1);
            feed(v, vp8, 6, 9, 0);
            assertThat(v.keyframeWaits()).isEqualTo(4);
            assertThatCode(() -> v.onPacket(noStartCode, noStartCode.pts())).doesNotThrowAnyException();
            assertThat(v.errors()).isEqualTo(2);
            feed(v, vp8, 11, 19, 0);
            feed(v, vp8, 20, 29, 0);
            assertThat(v.keyframeWaits()).isEqualTo(13);
            assertShows(v, canvas, vp8.get(4).pts(), RED, "before the corruption");
            assertShows(v, canvas, vp8.get(29).pts(), GREEN, "after the next good keyframe");
        }
    }

    @Test
    void aSmallVp8TileSkipsTheUpperTemporalLayerThatNothingRefersTo() {
        List<MediaPacket> layered = WebRtcStreams.vp8(320, 180, 40, 20, true, i -> TestStreams.yuv(i < 20 ? RED : BLUE));
        try (SpeakerVideo small = new SpeakerVideo("small"); SpeakerVideo large = new SpeakerVideo("large");
             Picture canvas = Picture.allocate(320, 180)) {
            small.target(160, 90);
            large.target(320, 180);
            feed(small, layered, 0, 39, 0);
            feed(large, layered, 0, 39, 0);
            assertThat(large.decodedFrames()).as("a full-size tile shows every frame").isEqualTo(40);
            assertThat(small.errors()).isZero();
            assertThat(small.decodedFrames()).as("the small tile: keyframes and the base layer, not most of the upper one")
                    .isBetween(20L, 26L);
            assertThat(small.drawInto(canvas, new Rect(0, 0, 160, 90), layered.get(39).pts())).isTrue();
            assertThat(Pixels.near(canvas, 80, 30, TestStreams.yuv(BLUE), 12)).as(Pixels.describe(canvas, 80, 30)).isTrue();
        }
    }

    @Test
    void aSmallVp8TileDecodesReducedAndStillShowsItsSpeaker() {
        try (SpeakerVideo v = new SpeakerVideo("small"); Picture canvas = Picture.allocate(320, 180)) {
            v.target(160, 90);
            feed(v, vp8, 0, 12, 0);
            assertThat(v.reducedDecoding()).isTrue();
            assertThat(v.errors()).isZero();
            assertThat(v.drawInto(canvas, new Rect(0, 0, 160, 90), vp8.get(12).pts())).isTrue();
            assertThat(Pixels.near(canvas, 80, 30, TestStreams.yuv(BLUE), 12)).as(Pixels.describe(canvas, 80, 30)).isTrue();
        }
    }
}
