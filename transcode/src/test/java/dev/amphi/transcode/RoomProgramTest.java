package dev.amphi.transcode;

import dev.amphi.transcode.testing.Goertzel;
import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import dev.amphi.transcode.audio.SpeakerAudio;
import dev.amphi.transcode.encode.Rung;
import dev.amphi.transcode.frame.Picture;
import dev.amphi.transcode.frame.Rect;
import dev.amphi.transcode.layout.Layout;
import dev.amphi.transcode.layout.LayoutEngine;
import dev.amphi.transcode.layout.TilePlacement;
import dev.amphi.transcode.video.SpeakerVideo;
import java.time.Duration;
import org.awaitility.Awaitility;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A room program with test speakers of known colours and tones, its output decoded back: what a
 * viewer would see and hear.
 */
class RoomProgramTest {

    private static final int W = 640;
    private static final int H = 360;
    // BT.601 limited range
    private static final int[] RED = {81, 90, 240};
    private static final int[] GREEN = {145, 54, 34};
    private static final int[] BLUE = {41, 240, 110};
    private static final int[] YELLOW = {210, 16, 146};

    private final Capture out = new Capture(2);
    private final List<ToneSpeaker> speakers = new ArrayList<>();
    private RoomProgram program;

    @AfterEach
    void tearDown() {
        speakers.forEach(ToneSpeaker::close);
        if (program != null) {
            program.close();
        }
    }

    /** Everything the program sent, per sink. */
    static final class Capture implements ProgramOutput {
        final List<List<MediaPacket>> video = new ArrayList<>();
        final List<MediaPacket> audio = new CopyOnWriteArrayList<>();
        final List<Integer> ends = new CopyOnWriteArrayList<>();

        Capture(int rungs) {
            for (int i = 0; i < rungs; i++) {
                video.add(Collections.synchronizedList(new ArrayList<>()));
            }
        }

        @Override
        public MediaSink video(int index) {
            return new MediaSink() {
                @Override
                public void onPacket(MediaPacket p) {
                    video.get(index).add(p);
                }

                @Override
                public void onEnd() {
                    ends.add(index);
                }
            };
        }

        @Override
        public MediaSink audio() {
            return new MediaSink() {
                @Override
                public void onPacket(MediaPacket p) {
                    audio.add(p);
                }

                @Override
                public void onEnd() {
                    ends.add(-1);
                }
            };
        }

        List<MediaPacket> rung(int i) {
            synchronized (video.get(i)) {
                return new ArrayList<>(video.get(i));
            }
        }
    }

    private RoomProgram start(Layout layout, ProgramListener listener) {
        program = RoomProgram.builder("test")
                .canvas(W, H)
                .ladder(List.of(new Rung("360p", W, H, 800_000), new Rung("180p", 320, 180, 250_000)))
                .preset("ultrafast")
                .segmentDuration(Duration.ofSeconds(1))
                .layout(layout)
                .output(out)
                .listener(listener)
                .build()
                .start();
        return program;
    }

    private ToneSpeaker speaker(String id, int[] yuv, double hz, int seconds, java.util.function.DoubleUnaryOperator amp) {
        ToneSpeaker s = new ToneSpeaker(yuv[0], yuv[1], yuv[2], hz, seconds, amp, program.join(id, id.toUpperCase()));
        speakers.add(s);
        return s;
    }

    /** Decodes rung 0 up to its last frame and returns that picture (caller closes). */
    private static Picture lastFrame(List<MediaPacket> packets) {
        Picture canvas = Picture.allocate(W, H);
        try (SpeakerVideo decoder = new SpeakerVideo("readback")) {
            decoder.target(W, H);
            long last = 0;
            for (MediaPacket p : packets) {
                decoder.onPacket(p, p.pts());
                last = Math.max(last, p.pts());
            }
            assertThat(decoder.drawInto(canvas, new Rect(0, 0, W, H), last)).as("the output decodes").isTrue();
        }
        return canvas;
    }

    private static int[] yuvAt(Picture p, int x, int y) {
        return new int[] {
            p.data(0).get((long) y * p.stride(0) + x) & 0xff,
            p.data(1).get((long) (y / 2) * p.stride(1) + x / 2) & 0xff,
            p.data(2).get((long) (y / 2) * p.stride(2) + x / 2) & 0xff};
    }

    private static void assertColour(Picture p, Rect r, int[] yuv, String what) {
        int[] got = yuvAt(p, r.x() + r.width() / 2, r.y() + r.height() / 3);
        assertThat(Math.abs(got[1] - yuv[1]) + Math.abs(got[2] - yuv[2]))
                .as("%s: chroma at the tile's centre is %d,%d, expected near %d,%d", what, got[1], got[2], yuv[1], yuv[2])
                .isLessThan(40);
    }

    static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
    }

    @Test
    void fourSpeakersInGalleryEachShowInTheirOwnTileInEveryRung() throws Exception {
        start(new Layout.Gallery(1), new ProgramListener() { });
        List<int[]> colours = List.of(RED, GREEN, BLUE, YELLOW);
        List<String> ids = List.of("red", "green", "blue", "yellow");
        for (int i = 0; i < 4; i++) {
            speaker(ids.get(i), colours.get(i), 300 + 100 * i, 5, t -> 0.5);
        }
        speakers.forEach(ToneSpeaker::start);
        await(Duration.ofSeconds(20), "2.5 s of program", () -> program.stats().frames() > 75);
        List<TilePlacement> tiles = LayoutEngine.place(new Layout.Gallery(1), ids, null, List.of(), W, H);
        assertThat(tiles).hasSize(4);
        try (Picture frame = lastFrame(out.rung(0))) {
            for (int i = 0; i < 4; i++) {
                assertColour(frame, tiles.get(i).rect(), colours.get(i), ids.get(i) + "'s tile");
            }
        }
        assertThat(program.stats().visibleSpeakers()).isEqualTo(4);
    }

    @Test
    void visibleSpeakersAreTheTilesOfTheProgramsLastLayoutAndEachChangeIsReported() throws Exception {
        List<Set<String>> reported = new CopyOnWriteArrayList<>();
        start(new Layout.Gallery(1), new ProgramListener() {
            @Override
            public void tilesChanged(String room, Set<String> visible) {
                reported.add(visible);
            }
        });
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) { // 7x7 tiles a page: the 50th speaker is on page 2
            ids.add("s" + i);
            program.join("s" + i, "S" + i);
        }
        Set<String> page1 = Set.copyOf(ids.subList(0, 49));
        await(Duration.ofSeconds(20), "page 1 laid out", () -> program.visibleSpeakers().equals(page1));
        assertThat(reported).as("the program reported the tiles it drew").contains(page1);

        program.layout(new Layout.Gallery(2));
        await(Duration.ofSeconds(20), "page 2 laid out", () -> program.visibleSpeakers().equals(Set.of("s49")));
        assertThat(reported.get(reported.size() - 1)).isEqualTo(Set.of("s49"));
        assertThat(program.stats().visibleSpeakers()).isEqualTo(1);

        program.leave("s49"); // page 2 is gone: the gallery shows its last page
        await(Duration.ofSeconds(20), "page 1 again", () -> program.visibleSpeakers().equals(page1));
        assertThat(reported.get(reported.size() - 1)).isEqualTo(page1);
    }

    @Test
    void aSenderIsToldWhenItsTileLeavesThePictureAndWhenItComesBack() throws Exception {
        start(new Layout.Gallery(1), new ProgramListener() { });
        Map<String, List<Boolean>> told = new ConcurrentHashMap<>();
        for (int i = 0; i < 50; i++) { // 7x7 tiles a page: the 50th speaker is on page 2
            String id = "s" + i;
            List<Boolean> mine = new CopyOnWriteArrayList<>();
            told.put(id, mine);
            program.join(id, "S" + i, new SenderControl() {
                @Override
                public void requestKeyframe() {
                }

                @Override
                public void videoShown(boolean shown) {
                    mine.add(shown);
                }
            });
        }
        await(Duration.ofSeconds(20), "page 1 laid out, s49 hidden", () -> last(told.get("s0")) == Boolean.TRUE
                && last(told.get("s49")) == Boolean.FALSE);
        assertThat(told.get("s49")).as("told once, not at every frame").containsExactly(false);

        program.layout(new Layout.Gallery(2));
        await(Duration.ofSeconds(20), "page 2: s49 shown, s0 hidden", () -> last(told.get("s49")) == Boolean.TRUE
                && last(told.get("s0")) == Boolean.FALSE);
        assertThat(told.get("s0")).containsExactly(true, false);

        // a reconnecting speaker's new connection is told where it stands at once
        List<Boolean> again = new CopyOnWriteArrayList<>();
        program.join("s0", "S0", new SenderControl() {
            @Override
            public void requestKeyframe() {
            }

            @Override
            public void videoShown(boolean shown) {
                again.add(shown);
            }
        });
        assertThat(again).containsExactly(false);
    }

    private static Boolean last(List<Boolean> l) {
        return l.isEmpty() ? null : l.get(l.size() - 1);
    }

    @Test
    void everyRungHasItsIdrFramesAtTheSameProgramTimes() throws Exception {
        start(new Layout.Gallery(1), new ProgramListener() { });
        speaker("red", RED, 440, 4, t -> 0.5).start();
        await(Duration.ofSeconds(20), "3.5 s of program", () -> program.stats().frames() > 105);
        program.close();
        List<Long> first = keyframes(out.rung(0));
        List<Long> second = keyframes(out.rung(1));
        assertThat(first).hasSizeGreaterThanOrEqualTo(3);
        assertThat(second).isEqualTo(first);
        for (int k = 0; k < first.size(); k++) {
            assertThat(first.get(k)).as("IDR %d at k x 1 s", k).isEqualTo(k * 90_000L);
        }
        assertThat(out.ends).as("both rungs and the audio ended").containsExactlyInAnyOrder(0, 1, -1);
    }

    private static List<Long> keyframes(List<MediaPacket> packets) {
        List<Long> pts = new ArrayList<>();
        for (MediaPacket p : packets) {
            if (p.keyframe()) {
                pts.add(p.pts());
            }
        }
        return pts;
    }

    @Test
    void theMixHasBothTonesAndTheActiveSpeakerFollowsWhoeverIsLoud() throws Exception {
        Map<String, Long> switchedAt = new ConcurrentHashMap<>();
        start(new Layout.ActiveSpeaker(), new ProgramListener() {
            @Override
            public void activeSpeakerChanged(String room, String speakerId) {
                switchedAt.putIfAbsent(speakerId, System.nanoTime());
            }
        });
        // low speaks loudly for 3 s, then high; both audible throughout
        ToneSpeaker low = speaker("low", RED, 440, 7, t -> t < 3 ? 1.0 : 0.15);
        ToneSpeaker high = speaker("high", BLUE, 1000, 7, t -> t < 3 ? 0.15 : 1.0);
        long t0 = System.nanoTime();
        low.start();
        high.start();
        await(Duration.ofSeconds(20), "the active speaker to become 'low'", () -> switchedAt.containsKey("low"));
        await(Duration.ofSeconds(20), "the active speaker to become 'high'", () -> switchedAt.containsKey("high"));
        double switchSeconds = (switchedAt.get("high") - t0) / 1e9 - 3.0;
        assertThat(switchSeconds).as("seconds from 'high' getting loud to becoming active (0.3 s jitter buffer included)")
                .isBetween(0.0, 2.3);
        assertThat(program.activeSpeaker()).contains("high");

        // the loud one is the large tile of the speaker layout
        await(Duration.ofSeconds(5), "a frame after the switch", () -> program.stats().frames() > 30 * (switchSeconds + 3.0 + 1.5));
        List<TilePlacement> tiles = LayoutEngine.place(new Layout.ActiveSpeaker(), List.of("low", "high"), "high",
                List.of("high", "low"), W, H);
        TilePlacement large = tiles.stream().filter(TilePlacement::large).findFirst().orElseThrow();
        assertThat(large.speakerId()).isEqualTo("high");
        try (Picture frame = lastFrame(out.rung(0))) {
            assertColour(frame, large.rect(), BLUE, "the large tile");
        }

        // the mix: both tones are there
        float[] pcm = decodeAudio(out.audio, 48_000 * 2);
        assertThat(goertzel(pcm, 440)).as("440 Hz in the mix").isGreaterThan(0.01);
        assertThat(goertzel(pcm, 1000)).as("1000 Hz in the mix").isGreaterThan(0.01);
        assertThat(goertzel(pcm, 700)).as("no 700 Hz").isLessThan(goertzel(pcm, 440) / 10);
    }

    /** Decodes the program's AAC (its first {@code frames} after 1 s) to mono samples. */
    private static float[] decodeAudio(List<MediaPacket> packets, int frames) {
        float[] stereo = new float[frames * 2];
        try (SpeakerAudio decoder = new SpeakerAudio("readback", 10_000)) {
            for (MediaPacket p : packets) {
                if (p.pts() < 90_000L * 4) {
                    decoder.onPacket(p, p.pts());
                }
            }
            decoder.read(48_000, stereo, 0, frames);
        }
        float[] mono = new float[frames];
        for (int i = 0; i < frames; i++) {
            mono[i] = (stereo[2 * i] + stereo[2 * i + 1]) / 2;
        }
        return mono;
    }

    /** Amplitude of {@code hz} in {@code x} (48 kHz). */
    static double goertzel(float[] x, double hz) {
        return Goertzel.amplitude(x, 0, 1, x.length, hz, 48_000);
    }
}
