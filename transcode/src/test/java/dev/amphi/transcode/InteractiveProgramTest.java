package dev.amphi.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import dev.amphi.media.NalUnits;
import dev.amphi.transcode.encode.Rung;
import dev.amphi.transcode.interactive.InteractiveProgram;
import dev.amphi.transcode.interactive.InteractiveStats;
import dev.amphi.transcode.interactive.ReturnDecode;
import dev.amphi.transcode.layout.Layout;
import dev.amphi.transcode.layout.LayoutEngine;
import dev.amphi.transcode.layout.TilePlacement;
import dev.amphi.transcode.testing.Goertzel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleUnaryOperator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The program back to the speakers in real time, as their browsers would get it: the interactive
 * video decoded without any out-of-band configuration, and each subscriber's Opus stream decoded
 * and checked by frequency for whose voice is in it.
 */
class InteractiveProgramTest {

    private static final int W = 640;
    private static final int H = 360;
    private static final int[] RED = {81, 90, 240};
    private static final int[] BLUE = {41, 240, 110};

    private final List<ToneSpeaker> speakers = new ArrayList<>();
    private RoomProgram program;

    @AfterEach
    void tearDown() {
        speakers.forEach(ToneSpeaker::close);
        if (program != null) {
            program.close();
        }
    }

    /** Every packet a sink got. */
    static final class Capture implements MediaSink {
        final List<MediaPacket> packets = new CopyOnWriteArrayList<>();

        @Override
        public void onPacket(MediaPacket packet) {
            packets.add(packet);
        }

        long lastPts() {
            return packets.isEmpty() ? -1 : packets.get(packets.size() - 1).pts();
        }

        List<MediaPacket> keyframes() {
            return packets.stream().filter(MediaPacket::keyframe).toList();
        }
    }

    private RoomProgram start(int mixLoudest, Duration gop) {
        program = RoomProgram.builder("live")
                .canvas(W, H)
                .ladder(List.of(new Rung("180p", 320, 180, 250_000)))
                .preset("ultrafast")
                .segmentDuration(gop)
                .mixLoudest(mixLoudest)
                .output(new RoomProgramTest.Capture(1))
                .build()
                .start();
        return program;
    }

    private ToneSpeaker speaker(String id, int[] yuv, double hz, int seconds, DoubleUnaryOperator amp) {
        ToneSpeaker s = new ToneSpeaker(yuv[0], yuv[1], yuv[2], hz, seconds, amp, program.join(id, id.toUpperCase()));
        speakers.add(s);
        return s;
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) {
        Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(condition::getAsBoolean);
    }

    @Test
    void videoIsConstrainedBaselineWithParameterSetsBeforeEveryIdrAndShowsTheCanvas() {
        start(3, Duration.ofSeconds(1));
        speaker("red", RED, 300, 4, t -> 0.5);
        speaker("blue", BLUE, 500, 4, t -> 0.5);
        speakers.forEach(ToneSpeaker::start);
        Capture video = new Capture();
        InteractiveProgram.Subscription sub = program.interactive().subscribe("red", video, null);
        await("2.5 s of interactive video", () -> video.packets.size() >= 75);
        sub.close();
        List<MediaPacket> packets = List.copyOf(video.packets);

        assertThat(packets.get(0).keyframe()).as("a subscriber starts at an IDR").isTrue();
        AvcConfig config = (AvcConfig) packets.get(0).config();
        for (int i = 0; i < packets.size(); i++) {
            MediaPacket p = packets.get(i);
            assertThat(p.compositionOffset()).as("no B-frames: pts = dts").isZero();
            if (i > 0) {
                assertThat(p.dts()).isGreaterThan(packets.get(i - 1).dts());
            }
            List<byte[]> nals = NalUnits.splitAvcc(p.data(), config.nalLengthSize());
            List<Integer> types = nals.stream().map(NalUnits::type).toList();
            if (p.keyframe()) {
                assertThat(types).as("SPS and PPS in band before the IDR").startsWith(NalUnits.SPS, NalUnits.PPS);
                assertThat(types).contains(NalUnits.IDR);
                byte[] sps = nals.get(0);
                assertThat(sps[1] & 0xff).as("profile_idc: Baseline").isEqualTo(66);
                assertThat(sps[2] & 0x40).as("constraint_set1_flag: Constrained Baseline").isNotZero();
            } else {
                assertThat(types).doesNotContain(NalUnits.IDR, NalUnits.SPS);
            }
        }
        assertThat(packets.stream().filter(MediaPacket::keyframe).count()).as("an IDR every second").isGreaterThanOrEqualTo(2);

        ReturnDecode.Video decoded = ReturnDecode.video(packets);
        assertThat(decoded.frames()).as("every packet decodes").hasSize(packets.size());
        assertThat(decoded.profile()).isEqualTo(ReturnDecode.CONSTRAINED_BASELINE);
        assertThat(decoded.reorderedFrames()).as("no frame reordering").isZero();
        ReturnDecode.Frame last = decoded.frames().get(decoded.frames().size() - 1);
        assertThat(last.width()).isEqualTo(640);
        assertThat(last.height()).isEqualTo(360);
        List<TilePlacement> tiles = LayoutEngine.place(new Layout.Gallery(1), List.of("red", "blue"), null, List.of(), W, H);
        int[][] colours = {RED, BLUE};
        for (int i = 0; i < 2; i++) {
            var r = tiles.get(i).rect();
            int[] got = last.yuv(r.x() + r.width() / 2, r.y() + r.height() / 3);
            assertThat(Math.abs(got[1] - colours[i][1]) + Math.abs(got[2] - colours[i][2]))
                    .as("the chroma of %s's tile in the interactive video", tiles.get(i).speakerId()).isLessThan(40);
        }
        InteractiveStats stats = program.stats().interactive();
        assertThat(stats.framesEncoded()).isGreaterThanOrEqualTo(packets.size());
        System.out.printf("interactive video 640x360: %d frames, encode %.2f ms/frame, canvas to packet %.2f ms mean, %.2f ms max%n",
                stats.framesEncoded(), stats.meanEncodeMillis(), stats.meanDelayMillis(), stats.maxDelayNanos() / 1e6);
    }

    @Test
    void aRequestedKeyframeComesAtOnceAndRepeatedRequestsAreRateLimited() throws Exception {
        start(3, Duration.ofSeconds(4)); // IDRs of the GOP only every 4 s
        speaker("red", RED, 300, 10, t -> 0.5).start();
        Capture video = new Capture();
        program.interactive().subscribe(null, video, null);
        await("1 s of video", () -> !video.packets.isEmpty() && video.lastPts() - video.packets.get(0).pts() >= 90_000);
        assertThat(video.keyframes()).as("only the first frame is an IDR so far").hasSize(1);

        long asked = video.lastPts();
        program.interactive().requestKeyframe();
        await("an IDR after the request", () -> video.keyframes().size() >= 2);
        long idr = video.keyframes().get(1).pts();
        assertThat(idr - asked).as("the IDR's time after the request, 90 kHz").isPositive().isLessThanOrEqualTo(27_000);

        ScheduledExecutorService browser = Executors.newSingleThreadScheduledExecutor();
        try {
            long from = video.lastPts();
            browser.scheduleAtFixedRate(program.interactive()::requestKeyframe, 0, 20, TimeUnit.MILLISECONDS);
            await("2 s of requests every 20 ms", () -> video.lastPts() - from >= 180_000);
        } finally {
            browser.shutdownNow();
        }
        List<MediaPacket> idrs = video.keyframes();
        for (int i = 1; i < idrs.size(); i++) {
            assertThat(idrs.get(i).pts() - idrs.get(i - 1).pts()).as("time between IDRs, 90 kHz")
                    .isGreaterThanOrEqualTo(45_000);
        }
        assertThat(idrs.size()).as("about one IDR per 500 ms of requests").isBetween(5, 8);
        assertThat(program.stats().interactive().keyframesForced()).isEqualTo(idrs.size() - 1L);
    }

    @Test
    void nothingIsEncodedWithoutSubscribersAndAudioOnlyRunsNoVideoEncoder() {
        start(3, Duration.ofSeconds(1));
        speaker("red", RED, 300, 6, t -> 0.5).start();
        await("1 s of program", () -> program.stats().frames() >= 30);
        InteractiveStats idle = program.stats().interactive();
        assertThat(idle.framesEncoded()).isZero();
        assertThat(idle.mixesEncoded()).isZero();
        assertThat(interactiveThreads()).isEmpty();

        Capture audio = new Capture();
        InteractiveProgram.Subscription sub = program.interactive().subscribe("red", null, audio);
        await("1 s of audio", () -> audio.packets.size() >= 50);
        assertThat(program.stats().interactive().framesEncoded()).as("no video subscriber, no video encoded").isZero();
        assertThat(interactiveThreads()).containsExactly("amphi-interactive-live-audio");

        sub.close();
        await("the audio encoder stops", () -> interactiveThreads().isEmpty());
        long mixed = program.stats().interactive().mixesEncoded();
        long frames = program.stats().frames();
        await("another 0.5 s of program", () -> program.stats().frames() >= frames + 15);
        assertThat(program.stats().interactive().mixesEncoded()).isEqualTo(mixed);
        assertThat(program.stats().interactive().mixesRunning()).isZero();
    }

    @Test
    void everyLoudSpeakerHearsTheOthersButNotThemselvesAcrossAChangeOfTheLoudSet() {
        start(3, Duration.ofSeconds(1));
        double[] hz = {420, 650, 870, 1130};
        String[] ids = {"a", "b", "c", "d"};
        DoubleUnaryOperator[] amp = {t -> t < 3 ? 1 : 0, t -> 1, t -> 1, t -> t < 3 ? 0 : 1};
        int[][] colours = {RED, BLUE, RED, BLUE};
        for (int i = 0; i < 4; i++) {
            speaker(ids[i], colours[i], hz[i], 6, amp[i]);
        }
        List<Capture> heard = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            Capture c = new Capture();
            heard.add(c);
            program.interactive().subscribe(i < 4 ? ids[i] : null, null, c);
        }
        double t0 = program.stats().frames() / 30.0 + 0.2; // program time of the speakers' time 0 (jitter buffer 200 ms)
        speakers.forEach(ToneSpeaker::start);
        long end = (long) ((t0 + 5.6) * 90_000);
        await("the speakers' 6 s", () -> heard.stream().allMatch(c -> c.lastPts() >= end));
        assertThat(program.stats().interactive().mixesRunning()).as("N + 1 mixes at most").isBetween(1, 4);

        // phase 1: a, b and c are the three loudest (d is silent); phase 2: b, c and d (a is silent)
        boolean[][] phase1 = {{false, true, true, false}, {true, false, true, false}, {true, true, false, false},
            {true, true, true, false}, {true, true, true, false}};
        boolean[][] phase2 = {{false, true, true, true}, {false, false, true, true}, {false, true, false, true},
            {false, true, true, false}, {false, true, true, true}};
        for (int s = 0; s <= 4; s++) {
            String who = s < 4 ? "speaker " + ids[s] : "the listener";
            List<MediaPacket> packets = List.copyOf(heard.get(s).packets);
            assertContinuous(who, packets, program.stats().interactive().subscriberDrops());
            float[] pcm = ReturnDecode.opus(packets);
            for (int k = 0; k < 4; k++) {
                double p1 = tone(packets, pcm, hz[k], t0 + 1.0, t0 + 2.6);
                double p2 = tone(packets, pcm, hz[k], t0 + 3.8, t0 + 5.4);
                System.out.printf("%s hears %s: %.4f before, %.4f after the change%n", who, ids[k], p1, p2);
                assertHears(who, ids[k], "before the change", p1, phase1[s][k]);
                assertHears(who, ids[k], "after the change", p2, phase2[s][k]);
            }
        }
    }

    private static void assertHears(String who, String speaker, String when, double amplitude, boolean expected) {
        if (expected) {
            assertThat(amplitude).as("%s hears %s %s", who, speaker, when).isGreaterThan(0.1);
        } else {
            assertThat(amplitude).as("%s does not hear %s %s", who, speaker, when).isLessThan(0.01);
        }
    }

    private static List<String> interactiveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("amphi-interactive-") && !n.contains("-out-")).toList();
    }

    /** A speaker's tone's amplitude in {@code pcm} between program times {@code from} and {@code to} (seconds). */
    static double tone(List<MediaPacket> packets, float[] pcm, double hz, double from, double to) {
        long first = packets.get(0).dts();
        int a = (int) Math.round((from - first / 90_000.0) * 48_000);
        int b = (int) Math.round((to - first / 90_000.0) * 48_000);
        assertThat(a).isNotNegative();
        assertThat(b).isLessThanOrEqualTo(pcm.length);
        return Goertzel.amplitude(pcm, a, 1, b - a, hz, 48_000);
    }

    /**
     * One packet per 20 ms frame, in order; a frame may be missing only where a drop was counted (a
     * machine so loaded that the audio thread or a subscriber fell seconds behind).
     */
    static void assertContinuous(String who, List<MediaPacket> packets, long countedDrops) {
        long missing = 0;
        for (int i = 1; i < packets.size(); i++) {
            long step = packets.get(i).dts() - packets.get(i - 1).dts();
            assertThat(step).as("%s: packet %d comes a whole number of frames after the one before", who, i).isPositive()
                    .isEqualTo(step / 1800 * 1800);
            missing += step / 1800 - 1;
        }
        assertThat(missing).as("%s: frames missing, drops counted %d", who, countedDrops).isLessThanOrEqualTo(countedDrops);
    }
}
