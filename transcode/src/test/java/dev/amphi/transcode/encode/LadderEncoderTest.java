package dev.amphi.transcode.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.ffmpeg.NativeObjects;
import dev.amphi.transcode.frame.Picture;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class LadderEncoderTest {

    private static final int CW = 640;
    private static final int CH = 360;
    private static final long TICK = MediaPacket.TIMESCALE / 30;
    private static final List<Rung> RUNGS = List.of(new Rung("360p", 640, 360, 700_000), new Rung("180p", 320, 180, 250_000));

    /** Collects each rung's packets (called on the rung threads). */
    private static final class Collector implements LadderOutput {
        final List<List<MediaPacket>> byRung;
        final List<String> threads = Collections.synchronizedList(new ArrayList<>());

        Collector() {
            this(2);
        }

        Collector(int rungs) {
            List<List<MediaPacket>> lists = new ArrayList<>();
            for (int i = 0; i < rungs; i++) {
                lists.add(Collections.synchronizedList(new ArrayList<>()));
            }
            byRung = List.copyOf(lists);
        }

        @Override
        public void video(int rung, MediaPacket p) {
            byRung.get(rung).add(p);
            threads.add(Thread.currentThread().getName());
        }

        List<Long> idrPts(int rung) {
            return byRung.get(rung).stream().filter(MediaPacket::keyframe).map(MediaPacket::pts).toList();
        }
    }

    @Test
    void everyRungGetsItsSizeAndIdrsAtTheSamePts() throws Exception {
        Collector out = new Collector();
        LadderEncoder ladder = new LadderEncoder("room-1", CW, CH, RUNGS, EncoderSettings.x264("ultrafast", 30, 30), out);
        try (Picture canvas = Picture.allocate(CW, CH)) {
            for (int i = 0; i < 60; i++) {
                TestPictures.movingBlock(canvas, i);
                assertThat(ladder.awaitIdle(10, TimeUnit.SECONDS)).isTrue();
                assertThat(ladder.encode(canvas, i * TICK, i == 45)).isTrue();
            }
        } finally {
            ladder.close();
        }
        assertThat(ladder.framesEncoded(0)).isEqualTo(60);
        assertThat(ladder.framesEncoded(1)).isEqualTo(60);
        assertThat(ladder.droppedFrames()).isZero();
        assertThat(ladder.errors()).isZero();
        assertThat(out.idrPts(0)).containsExactly(0L, 30 * TICK, 45 * TICK).isEqualTo(out.idrPts(1));
        assertThat(out.threads).containsOnly("amphi-enc-room-1-360p", "amphi-enc-room-1-180p");

        for (int r = 0; r < 2; r++) {
            List<MediaPacket> packets = out.byRung.get(r);
            assertThat(packets).extracting(MediaPacket::dts).isSorted().doesNotHaveDuplicates();
            List<Decoded.Frame> frames = Decoded.video(packets);
            Rung rung = RUNGS.get(r);
            assertThat(frames).hasSize(60).allMatch(f -> f.width() == rung.width() && f.height() == rung.height());
            // the moving block is where the canvas had it, scaled
            int scale = CW / rung.width();
            Decoded.Frame f = frames.get(25);
            int bx = TestPictures.blockX(25, CW) / scale;
            int by = (CH - TestPictures.BLOCK) / 2 / scale;
            int inner = TestPictures.BLOCK / scale - 8;
            assertThat(f.meanLuma(bx + 4, by + 4, inner, inner)).isCloseTo(TestPictures.BLOCK_LUMA, Offset.offset(15.0));
            // 2 s of video stays within the bitrate plus the VBV buffer
            long bits = 8L * packets.stream().mapToLong(p -> p.data().length).sum();
            assertThat(bits).isPositive().isLessThanOrEqualTo(2L * rung.videoBitrate() + 2L * rung.videoBitrate());
            assertThat(ladder.bytesOut(r) * 8).isEqualTo(bits);
            assertThat(ladder.config(r)).isEqualTo(packets.get(0).config());
        }
    }

    @Test
    void lowerRungsAreScaledFromALargerRungsPictureOfTheSameFrame() throws Exception {
        assertThat(LadderEncoder.sourceRungs(1920, 1080, Rung.defaults())).as("1080p, 720p, 480p, 360p")
                .containsExactly(-1, -1, 1, 1);
        List<Rung> rungs = List.of(new Rung("360p", 640, 360, 700_000), new Rung("288p", 512, 288, 500_000),
                new Rung("180p", 320, 180, 250_000), new Rung("144p", 256, 144, 200_000));
        assertThat(LadderEncoder.sourceRungs(CW, CH, rungs)).containsExactly(-1, -1, 1, 1);
        assertThat(LadderEncoder.sourceRungs(CW, CH, List.of(new Rung("288p", 512, 288, 500_000),
                new Rung("240p", 426, 240, 400_000)))).as("too close in size to cascade").containsExactly(-1, -1);

        Collector out = new Collector(rungs.size());
        LadderEncoder ladder = new LadderEncoder(CW, CH, rungs, EncoderSettings.x264("ultrafast", 30, 30), out);
        int n = 24;
        try (Picture canvas = Picture.allocate(CW, CH)) {
            for (int i = 0; i < n; i++) {
                canvas.fill(luma(i), 128, 128);
                // up to DEPTH frames in flight: a rung that read its source rung's picture of another frame shows
                assertThat(ladder.awaitCapacity(10, TimeUnit.SECONDS)).isTrue();
                assertThat(ladder.encode(canvas, i * TICK, false)).isTrue();
            }
        } finally {
            ladder.close();
        }
        assertThat(ladder.errors()).isZero();
        for (int r = 0; r < rungs.size(); r++) {
            List<Decoded.Frame> frames = Decoded.video(out.byRung.get(r));
            assertThat(frames).as(rungs.get(r).name()).hasSize(n);
            for (int i = 0; i < n; i++) {
                Decoded.Frame f = frames.get(i);
                assertThat(f.width()).isEqualTo(rungs.get(r).width());
                assertThat(f.meanLuma(0, 0, f.width(), f.height())).as("%s frame %d", rungs.get(r).name(), i)
                        .isCloseTo(luma(i), Offset.offset(6.0));
            }
        }
    }

    /** A brightness of its own for each of 24 frames, far from its neighbours'. */
    private static int luma(int i) {
        return 40 + (i * 67) % 170;
    }

    @Test
    void theCanvasCanBeRedrawnAsSoonAsEncodeReturns() throws Exception {
        Collector out = new Collector();
        LadderEncoder ladder = new LadderEncoder(CW, CH, RUNGS, EncoderSettings.x264("ultrafast", 30, 30), out);
        try (Picture canvas = Picture.allocate(CW, CH)) {
            for (int i = 0; i < 6; i++) {
                canvas.fill(i % 2 == 0 ? 200 : 40, 128, 128);
                assertThat(ladder.encode(canvas, i * TICK, false)).isTrue();
                canvas.fill(120, 128, 128); // scribble right away: must not reach the encoders
                assertThat(ladder.awaitIdle(10, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            ladder.close();
        }
        for (int r = 0; r < 2; r++) {
            List<Decoded.Frame> frames = Decoded.video(out.byRung.get(r));
            assertThat(frames).hasSize(6);
            for (int i = 0; i < 6; i++) {
                Decoded.Frame f = frames.get(i);
                assertThat(f.meanLuma(0, 0, f.width(), f.height())).isCloseTo(i % 2 == 0 ? 200 : 40, Offset.offset(6.0));
            }
        }
    }

    @Test
    void overloadDropsTheFrameInEveryRungAndCarriesAForcedIdrToTheNextFrame() throws Exception {
        // rung 1's encoder holds its first picture until the gate opens, rung 0's encodes at once: no
        // timing involved, rung 1 alone keeps the canvas slots
        CountDownLatch gate = new CountDownLatch(1);
        FakeEncoder slow = new FakeEncoder(gate);
        Collector collector = new Collector();
        LadderEncoder ladder = new LadderEncoder("overload", CW, CH, RUNGS, EncoderSettings.x264("ultrafast", 30, 30),
                (rung, settings) -> rung.name().equals("180p") ? slow : new FakeEncoder(), collector);
        int next;
        try (Picture canvas = Picture.allocate(CW, CH)) {
            // DEPTH frames fill the slots (rung 1 waits on the first, the others queue behind it); every
            // frame after is dropped for both rungs, the one asking for an IDR too
            for (int i = 0; i < LadderEncoder.DEPTH; i++) {
                assertThat(ladder.encode(canvas, i * TICK, false)).as("frame %d", i).isTrue();
            }
            assertThat(slow.waiting.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ladder.backlog()).isEqualTo(LadderEncoder.DEPTH);
            next = LadderEncoder.DEPTH;
            for (int k = 0; k < 3; k++, next++) {
                assertThat(ladder.encode(canvas, next * TICK, k == 1)).as("frame %d", next).isFalse();
            }
            assertThat(ladder.droppedFrames()).isEqualTo(3);
            gate.countDown();
            assertThat(ladder.awaitIdle(10, TimeUnit.SECONDS)).isTrue();
            for (int k = 0; k < 4; k++) {
                assertThat(ladder.encode(canvas, (next + k) * TICK, false)).isTrue();
                assertThat(ladder.awaitIdle(10, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            gate.countDown();
            ladder.close();
        }
        assertThat(ladder.framesEncoded(0)).isEqualTo(LadderEncoder.DEPTH + 4).isEqualTo(ladder.framesEncoded(1));
        assertThat(collector.idrPts(0)).as("the IDR asked for by a dropped frame comes with the next accepted one")
                .containsExactly(0L, next * TICK).isEqualTo(collector.idrPts(1));
    }

    @Test
    void aRungWhoseEncoderDoesNotOpenFreesTheRungsOpenedBeforeIt() {
        long natives = NativeObjects.live();
        // x264 refuses 999 bit/s (it counts whole kbit/s): the third rung fails after two opened
        List<Rung> rungs = List.of(RUNGS.get(0), RUNGS.get(1), new Rung("90p", 160, 90, 999));
        assertThatThrownBy(() -> new LadderEncoder("refused", CW, CH, rungs, EncoderSettings.x264("ultrafast", 30, 30),
                (r, p) -> { })).isInstanceOf(IllegalStateException.class).hasMessageContaining("libx264, 160x90");
        assertThat(NativeObjects.live()).as("FFmpeg objects alive: %s", NativeObjects.liveByKind()).isEqualTo(natives);
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .noneMatch(n -> n.startsWith("amphi-enc-refused-"));
    }

    @Test
    void rejectsBadLaddersAndCanvasesWithPreciseMessages() {
        EncoderSettings s = EncoderSettings.x264("ultrafast", 30, 30);
        assertThatThrownBy(() -> new LadderEncoder(CW, CH, List.of(), s, (r, p) -> { }))
                .hasMessageContaining("at least one rung");
        assertThatThrownBy(() -> new LadderEncoder(CW, CH, List.of(RUNGS.get(0), RUNGS.get(0)), s, (r, p) -> { }))
                .hasMessageContaining("360p appears twice");
        assertThatThrownBy(() -> new LadderEncoder("a room", CW, CH, RUNGS, s, (r, p) -> { }))
                .hasMessageContaining("'a room'");
        LadderEncoder ladder = new LadderEncoder(CW, CH, RUNGS, s, (r, p) -> { });
        try (Picture small = Picture.allocate(320, 180)) {
            assertThatThrownBy(() -> ladder.encode(small, 0, false)).hasMessageContaining("320x180");
        } finally {
            ladder.close();
            ladder.close();
        }
        try (Picture canvas = Picture.allocate(CW, CH)) {
            assertThatThrownBy(() -> ladder.encode(canvas, 0, false)).hasMessageContaining("closed");
        }
    }
}
