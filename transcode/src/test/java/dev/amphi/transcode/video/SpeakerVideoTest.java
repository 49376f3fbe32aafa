package dev.amphi.transcode.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.ffmpeg.NativeObjects;
import dev.amphi.transcode.frame.Picture;
import dev.amphi.transcode.frame.Rect;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SpeakerVideoTest {

    private static final int RED = 0xdd2020;
    private static final int BLUE = 0x2040dd;
    /** 320x180, 40 frames, keyframe every 10, frame i is grey level 20 + 5i. */
    private static List<MediaPacket> ramp;
    /** 320x180 red, 20 frames, keyframe every 10. */
    private static List<MediaPacket> red;

    @BeforeAll
    static void encode() {
        ramp = TestStreams.solid(320, 180, 40, 10, i -> {
            int g = 20 + 5 * i;
            return g << 16 | g << 8 | g;
        });
        red = TestStreams.solid(320, 180, 20, 10, i -> RED);
        assertThat(ramp).hasSize(40);
        assertThat(ramp.get(0).keyframe()).isTrue();
        assertThat(ramp.get(10).keyframe()).isTrue();
        assertThat(ramp.get(11).keyframe()).isFalse();
    }

    /** Which ramp frame a decoded luma value is. */
    private static int rampFrame(int luma) {
        int best = -1;
        int bestErr = Integer.MAX_VALUE;
        for (int i = 0; i < 40; i++) {
            int g = 20 + 5 * i;
            int err = Math.abs(TestStreams.yuv(g << 16 | g << 8 | g)[0] - luma);
            if (err < bestErr) {
                best = i;
                bestErr = err;
            }
        }
        return best;
    }

    private static void feed(SpeakerVideo v, List<MediaPacket> packets, int from, int to) {
        for (int i = from; i <= to; i++) {
            v.onPacket(packets.get(i), packets.get(i).pts());
        }
    }

    private static long pts(int frame) {
        return ramp.get(frame).pts();
    }

    /** Draws the whole 320x180 tile and returns which ramp frame is shown, or -1 when nothing is drawn. */
    private static int shownFrame(SpeakerVideo v, Picture canvas, long programPts) {
        if (!v.drawInto(canvas, new Rect(0, 0, 320, 180), programPts)) {
            return -1;
        }
        return rampFrame(Pixels.luma(canvas, 160, 90));
    }

    @Test
    void decodesAndLetterboxesThePictureInItsTile() {
        try (SpeakerVideo v = new SpeakerVideo("a"); Picture canvas = Picture.allocate(320, 240)) {
            canvas.fill(40, 128, 128);
            v.target(160, 120);
            feed(v, red, 0, 9);
            assertThat(v.decodedFrames()).isEqualTo(10);
            assertThat(v.drawInto(canvas, new Rect(0, 0, 160, 120), red.get(9).pts())).isTrue();
            int[] redYuv = TestStreams.yuv(RED);
            // 16:9 in a 4:3 tile: 160x90 at y = 14, black above and below
            assertThat(Pixels.near(canvas, 80, 60, redYuv, 6)).as(Pixels.describe(canvas, 80, 60)).isTrue();
            assertThat(Pixels.near(canvas, 2, 16, redYuv, 8)).as(Pixels.describe(canvas, 2, 16)).isTrue();
            assertThat(Pixels.yuv(canvas, 80, 6)).containsExactly(16, 128, 128);
            assertThat(Pixels.yuv(canvas, 80, 114)).containsExactly(16, 128, 128);
            assertThat(Pixels.yuv(canvas, 200, 60)).containsExactly(40, 128, 128);
        }
    }

    @Test
    void drawsTheNewestPictureDueThenFreezesForTwoSeconds() {
        try (SpeakerVideo v = new SpeakerVideo("a"); Picture canvas = Picture.allocate(320, 180)) {
            v.target(320, 180);
            feed(v, ramp, 0, 5);
            assertThat(shownFrame(v, canvas, pts(0) - 1)).isEqualTo(-1);
            assertThat(shownFrame(v, canvas, pts(3) + 1)).isEqualTo(3);
            assertThat(shownFrame(v, canvas, pts(3) + 2)).isEqualTo(3);
            assertThat(shownFrame(v, canvas, pts(5))).isEqualTo(5);
            assertThat(shownFrame(v, canvas, pts(5) + SpeakerVideo.STALE_TICKS)).isEqualTo(5);
            assertThat(shownFrame(v, canvas, pts(5) + SpeakerVideo.STALE_TICKS + 1)).isEqualTo(-1);
            assertThat(v.droppedFrames()).isZero();
        }
    }

    @Test
    void aFullQueueDropsTheOldestPictureAndCountsIt() {
        try (SpeakerVideo v = new SpeakerVideo("a"); Picture canvas = Picture.allocate(320, 180)) {
            v.target(320, 180);
            feed(v, ramp, 0, 19);
            assertThat(v.decodedFrames()).isEqualTo(20);
            assertThat(v.droppedFrames()).isEqualTo(20 - SpeakerVideo.QUEUE_CAPACITY);
            assertThat(shownFrame(v, canvas, pts(12))).isEqualTo(12);
            assertThat(shownFrame(v, canvas, pts(19))).isEqualTo(19);
        }
    }

    @Test
    void aSpeakerNotLaidOutYetStartsAtTheKeyframeItJoinedWith() {
        try (SpeakerVideo v = new SpeakerVideo("a"); Picture canvas = Picture.allocate(320, 180)) {
            feed(v, ramp, 0, 4); // joined: the program lays it out at its next frame
            assertThat(v.decodedFrames()).isZero();
            v.target(320, 180);
            feed(v, ramp, 5, 6);
            assertThat(v.decodedFrames()).as("the held keyframe and what followed, then 5 and 6").isEqualTo(7);
            assertThat(v.keyframeWaits()).isZero();
            assertThat(shownFrame(v, canvas, pts(3))).isEqualTo(3);
            assertThat(shownFrame(v, canvas, pts(6))).isEqualTo(6);
        }
        try (SpeakerVideo v = new SpeakerVideo("b")) {
            feed(v, ramp, 3, 6); // joined mid-GOP: nothing decodable to hold
            feed(v, ramp, 0, 2);
            v.target(0, 0); // laid out hidden
            feed(v, ramp, 7, 7);
            assertThat(v.decodedFrames()).isZero();
            assertThat(v.hiddenDrops()).isEqualTo(8);
        }
    }

    @Test
    void packetsHeldBeforeTheFirstLayoutAreBoundedInBytes() {
        byte[] half = new byte[SpeakerVideo.HELD_MAX_BYTES / 2 + 1];
        try (SpeakerVideo v = new SpeakerVideo("a")) {
            v.onPacket(new MediaPacket(MediaKind.VIDEO, ramp.get(0).config(), 0, 0, true, half), 0);
            assertThat(v.hiddenDrops()).isZero();
            v.onPacket(new MediaPacket(MediaKind.VIDEO, ramp.get(1).config(), 3000, 0, false, half), 3000);
            assertThat(v.hiddenDrops()).as("over the byte bound: both dropped").isEqualTo(2);
            v.target(0, 0);
            assertThat(v.decodedFrames()).isZero();
        }
    }

    @Test
    void aHiddenSpeakerDropsPacketsBeforeTheDecoderAndRestartsAtTheNextKeyframe() {
        try (SpeakerVideo v = new SpeakerVideo("a"); Picture canvas = Picture.allocate(320, 180)) {
            v.target(320, 180);
            feed(v, ramp, 0, 4);
            v.target(0, 0);
            feed(v, ramp, 5, 12);
            assertThat(v.hiddenDrops()).isEqualTo(8);
            assertThat(v.decodedFrames()).isEqualTo(5);
            assertThat(shownFrame(v, canvas, pts(12))).as("nothing decoded while hidden is due").isEqualTo(-1);
            v.target(320, 180);
            feed(v, ramp, 13, 25);
            assertThat(v.keyframeWaits()).isEqualTo(7); // 13..19
            assertThat(v.decodedFrames()).isEqualTo(5 + 6); // 20..25
            assertThat(shownFrame(v, canvas, pts(20))).isEqualTo(20);
            assertThat(shownFrame(v, canvas, pts(25))).isEqualTo(25);
        }
    }

    @Test
    void aCorruptPacketIsCountedAndDecodingResumesAtTheNextKeyframe() {
        byte[] garbage = {0, 0, 0, 50, 0x65, 1, 2, 3, 4, 5, 6, 7};
        MediaPacket corrupt = new MediaPacket(MediaKind.VIDEO, ramp.get(5).config(), ramp.get(5).dts(), 0, false, garbage);
        try (SpeakerVideo v = new SpeakerVideo("a"); Picture canvas = Picture.allocate(320, 180)) {
            v.target(320, 180);
            feed(v, ramp, 0, 4);
            assertThatCode(() -> v.onPacket(corrupt, corrupt.pts())).doesNotThrowAnyException();
            assertThat(v.errors()).isEqualTo(1);
            feed(v, ramp, 6, 12);
            assertThat(v.keyframeWaits()).isEqualTo(4); // 6..9
            assertThat(shownFrame(v, canvas, pts(4))).isEqualTo(4);
            assertThat(shownFrame(v, canvas, pts(12))).isEqualTo(12);
        }
    }

    @Test
    void aLayoutSwitchRescalesTheQueuedPicturesWithoutABlackFrame() {
        try (SpeakerVideo v = new SpeakerVideo("a"); Picture canvas = Picture.allocate(480, 270)) {
            canvas.fill(40, 128, 128);
            v.target(160, 90);
            feed(v, red, 0, 3);
            v.target(320, 180); // the layout changed: queued pictures are 160x90
            Rect tile = new Rect(160, 90, 320, 180);
            assertThat(v.drawInto(canvas, tile, red.get(3).pts())).isTrue();
            int[] redYuv = TestStreams.yuv(RED);
            for (int[] xy : new int[][] {{162, 92}, {476, 92}, {162, 266}, {476, 266}, {320, 180}}) {
                assertThat(Pixels.near(canvas, xy[0], xy[1], redYuv, 10)).as(Pixels.describe(canvas, xy[0], xy[1])).isTrue();
            }
            assertThat(Pixels.yuv(canvas, 150, 80)).containsExactly(40, 128, 128);
            assertThat(Pixels.yuv(canvas, 100, 200)).containsExactly(40, 128, 128);
        }
    }

    @Test
    void aDiscontinuityKeepsTheFrozenPictureAndWaitsForAKeyframe() {
        try (SpeakerVideo v = new SpeakerVideo("a"); Picture canvas = Picture.allocate(320, 180)) {
            v.target(320, 180);
            feed(v, ramp, 0, 5);
            assertThat(shownFrame(v, canvas, pts(5))).isEqualTo(5);
            feed(v, ramp, 6, 8);
            v.discontinuity();
            assertThat(shownFrame(v, canvas, pts(8))).as("queued pictures dropped, frozen one kept").isEqualTo(5);
            feed(v, ramp, 9, 10);
            assertThat(v.keyframeWaits()).isEqualTo(1);
            assertThat(shownFrame(v, canvas, pts(10))).isEqualTo(10);
        }
    }

    @Test
    void aNewConfigurationRecreatesTheDecoder() {
        List<MediaPacket> blue = TestStreams.solid(256, 144, 10, 10, i -> BLUE);
        long offset = red.get(9).pts() + 3000;
        try (SpeakerVideo v = new SpeakerVideo("a"); Picture canvas = Picture.allocate(320, 180)) {
            v.target(320, 180);
            feed(v, red, 0, 9);
            for (MediaPacket p : blue.subList(1, 10)) { // joined mid-GOP: wait for a keyframe of the new configuration
                v.onPacket(p, p.pts() + offset);
            }
            assertThat(v.keyframeWaits()).isEqualTo(9);
            for (MediaPacket p : blue) {
                v.onPacket(p, p.pts() + offset);
            }
            assertThat(v.errors()).isZero();
            assertThat(v.decodedFrames()).isEqualTo(20);
            assertThat(v.drawInto(canvas, new Rect(0, 0, 320, 180), offset + blue.get(9).pts())).isTrue();
            assertThat(Pixels.near(canvas, 160, 90, TestStreams.yuv(BLUE), 6)).as(Pixels.describe(canvas, 160, 90)).isTrue();
        }
    }

    @Test
    void aSmallTileDecodesWithoutLoopFilterAndNonReferenceFrames() {
        try (SpeakerVideo v = new SpeakerVideo("a"); Picture canvas = Picture.allocate(320, 180)) {
            v.target(160, 90);
            feed(v, ramp, 0, 2);
            assertThat(v.reducedDecoding()).isTrue();
            v.target(320, 180);
            feed(v, ramp, 3, 4);
            assertThat(v.reducedDecoding()).isFalse();
            assertThat(shownFrame(v, canvas, pts(4))).isEqualTo(4);
        }
    }

    @Test
    void decodingAndDrawingOnTwoThreadsWhileTheTileChangesSize() throws Exception {
        try (SpeakerVideo v = new SpeakerVideo("a"); Picture canvas = Picture.allocate(320, 180)) {
            v.target(320, 180);
            long span = pts(39) + 3000;
            java.util.concurrent.atomic.AtomicLong decodedUpTo = new java.util.concurrent.atomic.AtomicLong(-1);
            Thread worker = new Thread(() -> {
                for (int loop = 0; loop < 6; loop++) {
                    for (MediaPacket p : ramp) {
                        v.onPacket(p, p.pts() + loop * span);
                        decodedUpTo.set(p.pts() + loop * span);
                    }
                }
            }, "test-decode");
            worker.start();
            int[] widths = {320, 160, 0, 240};
            while (worker.isAlive()) { // the tile changes size (and hides) about once per pass over the stream
                long now = decodedUpTo.get();
                int w = widths[(int) (Math.max(0, now) / span % widths.length)];
                v.target(w, w * 9 / 16);
                if (now >= 0) {
                    v.drawInto(canvas, new Rect(0, 0, 320, 180), now);
                }
                Thread.onSpinWait();
            }
            worker.join();
            assertThat(v.errors()).isZero();
            assertThat(v.decodedFrames() + v.hiddenDrops() + v.keyframeWaits()).isEqualTo(6 * 40);
            v.target(320, 180);
            for (MediaPacket p : ramp) {
                v.onPacket(p, p.pts() + 6 * span);
            }
            assertThat(shownFrame(v, canvas, pts(39) + 6 * span)).isEqualTo(39);
        }
    }

    @Test
    void nearlyMatchingAspectRatiosFillTheTileInsteadOfDrawingThinBars() {
        Rect tile = new Rect(10, 20, 1410, 794); // a 16:9 tile after even rounding
        assertThat(SpeakerVideo.fitIn(tile, 640, 360)).isEqualTo(tile);
        Rect fourByThree = SpeakerVideo.fitIn(tile, 640, 480);
        assertThat(fourByThree.height()).isEqualTo(794);
        assertThat(fourByThree.width()).isBetween(1056, 1060);
    }

    @Test
    void runningOutOfMemoryIsNotCountedAsACorruptPacket() {
        long natives = NativeObjects.live();
        try (SpeakerVideo v = new SpeakerVideo("starved"); Picture canvas = Picture.allocate(320, 180)) {
            v.target(320, 180);
            feed(v, ramp, 0, 9);
            avutil.av_max_alloc(16); // every FFmpeg allocation above 16 bytes fails (ENOMEM) until reset
            try {
                assertThatThrownBy(() -> v.onPacket(ramp.get(10), pts(10))).isInstanceOf(OutOfMemoryError.class)
                        .hasMessageContaining("av_new_packet");
            } finally {
                avutil.av_max_alloc(Integer.MAX_VALUE);
            }
            assertThat(v.errors()).isZero();
            // its decoder was freed: it starts again at the next keyframe once memory is back
            feed(v, ramp, 11, 20);
            assertThat(v.keyframeWaits()).isEqualTo(9);
            assertThat(shownFrame(v, canvas, pts(20))).isEqualTo(20);
            assertThat(v.errors()).isZero();
        }
        assertThat(NativeObjects.live()).as("FFmpeg objects alive: %s", NativeObjects.liveByKind()).isEqualTo(natives);
    }

    @Test
    void closeFreesEverythingAndIsIdempotent() {
        List<Long> rss = new ArrayList<>();
        for (int round = 0; round < 60; round++) {
            SpeakerVideo v = new SpeakerVideo("a");
            v.target(160, 90);
            feed(v, ramp, 0, 9);
            try (Picture canvas = Picture.allocate(320, 180)) {
                v.drawInto(canvas, new Rect(0, 0, 320, 180), pts(5));
            }
            v.close();
            v.close();
            v.onPacket(ramp.get(0), pts(0)); // ignored after close
            if (round == 10 || round == 59) {
                System.gc();
                rss.add(Pointer.physicalBytes());
            }
        }
        // a leaked decoder (~1 MB at this size) or queue of pictures per round would add up to tens of MB
        assertThat(rss.get(1) - rss.get(0)).isLessThan(24L << 20);
    }
}
