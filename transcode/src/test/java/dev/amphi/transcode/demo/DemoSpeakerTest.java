package dev.amphi.transcode.demo;

import dev.amphi.transcode.testing.Goertzel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.media.AacConfig;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DemoSpeakerTest {

    private static final long SECOND = 1_000_000_000L;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong clock = new AtomicLong(5 * SECOND); // an arbitrary origin: time 0 is the start
    private final Recorder sink = new Recorder();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void videoDecodesToItsHueWithAMovingPattern() {
        try (DemoSpeaker s = DemoSpeaker.start("Grace", 2, 6, sink, timer, clock::get)) {
            advanceTo(s, 1.0);
            List<MediaPacket> video = sink.of(MediaKind.VIDEO);
            assertThat(video).hasSize(31); // frames at 0, 1/30, … 1 s
            assertThat(video.get(0).keyframe()).isTrue();
            assertThat(video.get(0).config()).isInstanceOf(AvcConfig.class);

            List<AvDecode.Frame> frames = AvDecode.video(video);
            assertThat(frames).hasSize(31);
            assertThat(frames).allSatisfy(f -> {
                assertThat(f.width()).isEqualTo(640);
                assertThat(f.height()).isEqualTo(360);
            });
            // index 2 of 6: hue 120° (green), the background covers most of the picture
            for (AvDecode.Frame f : List.of(frames.get(0), frames.get(30))) {
                assertThat(hueOfMedian(f)).isCloseTo(120.0, org.assertj.core.data.Offset.offset(10.0));
            }
            assertThat(meanAbsLumaDiff(frames.get(0), frames.get(15))).as("the pattern moves").isGreaterThan(2.0);
        }
    }

    @Test
    void distinctSpeakersHaveDistinctHues() {
        Recorder other = new Recorder();
        try (DemoSpeaker a = DemoSpeaker.start("Ada", 0, 4, sink, timer, clock::get);
             DemoSpeaker b = DemoSpeaker.start("Alan", 1, 4, other, timer, clock::get)) {
            advanceTo(a, 0.1);
            b.tick();
            double hueA = hueOfMedian(AvDecode.video(sink.of(MediaKind.VIDEO)).get(0));
            double hueB = hueOfMedian(AvDecode.video(other.of(MediaKind.VIDEO)).get(0));
            assertThat(hueA).isCloseTo(0.0, org.assertj.core.data.Offset.offset(10.0));
            assertThat(hueB).isCloseTo(90.0, org.assertj.core.data.Offset.offset(10.0));
        }
    }

    @Test
    void audioIsItsPitchAndLoudOnlyInItsTurn() {
        // speaker 1 of 3 talks in [4 s, 8 s) of every 12 s cycle
        try (DemoSpeaker s = DemoSpeaker.start("Linus", 1, 3, sink, timer, clock::get)) {
            advanceTo(s, 12.0);
            List<MediaPacket> audio = sink.of(MediaKind.AUDIO);
            assertThat(audio.get(0).config()).isInstanceOfSatisfying(AacConfig.class, c -> {
                assertThat(c.sampleRate()).isEqualTo(48_000);
                assertThat(c.channels()).isEqualTo(2);
            });
            float[] pcm = AvDecode.audioLeft(audio);
            assertThat(pcm.length).isGreaterThanOrEqualTo(12 * 48_000);
            double hz = s.pitchHz();
            assertThat(hz).isEqualTo(293.75); // 220 Hz a fourth up (293.66), on the 0.625 Hz grid

            float[] talking = slice(pcm, 4.5, 7.5);
            assertThat(dbfs(talking)).isGreaterThan(-20.0);
            double atPitch = goertzel(talking, hz);
            assertThat(atPitch).isGreaterThan(50 * goertzel(talking, DemoTone.pitchHz(0)));
            assertThat(atPitch).isGreaterThan(50 * goertzel(talking, DemoTone.pitchHz(2)));

            assertThat(dbfs(slice(pcm, 0.5, 3.5))).as("quiet before its turn").isLessThan(-45.0);
            assertThat(dbfs(slice(pcm, 8.5, 11.5))).as("quiet after its turn").isLessThan(-45.0);
            assertThat(s.talkingAt(5.0)).isTrue();
            assertThat(s.talkingAt(9.0)).isFalse();
        }
    }

    @Test
    void packetsArePacedByTheClockAndInterleavedByTime() {
        try (DemoSpeaker s = DemoSpeaker.start("Barbara", 0, 2, sink, timer, clock::get)) {
            advanceTo(s, 0.0);
            assertThat(sink.packets()).extracting(MediaPacket::kind).containsExactly(MediaKind.VIDEO, MediaKind.AUDIO);
            assertThat(sink.packets().get(0).keyframe()).isTrue();
            assertThat(sink.packets()).allSatisfy(p -> assertThat(p.dts()).isZero());

            advanceTo(s, 0.5);
            assertThat(sink.of(MediaKind.VIDEO)).hasSize(16); // dts 0..45000 in steps of 3000
            assertThat(sink.of(MediaKind.AUDIO)).hasSize(24); // pts 0..44160 in steps of 1920

            // Ten seconds: past several video (2 s) and audio (1.6 s) loops; nothing ahead of the clock.
            for (double t = 0.52; t <= 10.0; t += 0.02) {
                advanceTo(s, t);
                long now = Math.round(t * MediaPacket.TIMESCALE);
                assertThat(sink.packets().get(sink.packets().size() - 1).dts()).isLessThanOrEqualTo(now);
            }
            List<MediaPacket> all = sink.packets();
            for (int i = 1; i < all.size(); i++) {
                assertThat(all.get(i).dts()).as("packet %d", i).isGreaterThanOrEqualTo(all.get(i - 1).dts());
            }
            assertStepped(sink.of(MediaKind.VIDEO), 3000, 301);
            assertStepped(sink.of(MediaKind.AUDIO), 1920, 469);
            List<MediaPacket> video = sink.of(MediaKind.VIDEO);
            for (int i = 0; i < video.size(); i++) {
                assertThat(video.get(i).keyframe()).as("frame %d is an IDR", i).isEqualTo(i % 30 == 0);
            }
            // the whole replayed stream, across loop boundaries, decodes frame for frame
            assertThat(AvDecode.video(video)).hasSize(video.size());
            assertThat(s.packetsSent()).isEqualTo(all.size());
        }
    }

    @Test
    void theTimerDrivesTheReplay() throws InterruptedException {
        try (DemoSpeaker s = DemoSpeaker.start("Edsger", 0, 1, sink, timer, clock::get)) {
            clock.addAndGet(2 * SECOND);
            Awaitility.await("61 video packets replayed").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                    .until(() -> sink.of(MediaKind.VIDEO).size() >= 61);
            assertThat(sink.of(MediaKind.VIDEO)).hasSize(61);
        }
    }

    @Test
    void closeStopsPacketsAndEndsTheSinkOnce() {
        DemoSpeaker s = DemoSpeaker.start("Frances", 0, 1, sink, timer, clock::get);
        advanceTo(s, 1.0);
        s.close();
        s.close();
        int sent = sink.packets().size();
        clock.addAndGet(3 * SECOND);
        s.tick();
        assertThat(sink.packets()).hasSize(sent);
        assertThat(sink.ends.get()).isEqualTo(1);
    }

    @Test
    void aFailingSinkDoesNotStopTheSpeaker() {
        AtomicInteger calls = new AtomicInteger();
        MediaSink failing = p -> {
            calls.incrementAndGet();
            throw new IllegalStateException("boom");
        };
        try (DemoSpeaker s = DemoSpeaker.start("Grace", 0, 1, failing, timer, clock::get)) {
            clock.addAndGet(SECOND);
            s.tick();
            assertThat(calls.get()).isEqualTo(31 + 47); // every video and audio packet of the first second
        }
    }

    @Test
    void pitchesAndHuesAreDistinctAndInRange() {
        Set<Double> pitches = new HashSet<>();
        for (int i = 0; i < 36; i++) {
            double hz = DemoTone.pitchHz(i);
            assertThat(hz).isBetween(200.0, 1600.0);
            assertThat(hz * 8 % 5).as("whole periods in the 1.6 s loop").isZero();
            pitches.add(hz);
        }
        assertThat(pitches).hasSize(36);
        assertThat(DemoLook.hueDegrees(3, 12)).isEqualTo(90.0);
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> DemoSpeaker.start(" ", 0, 1, sink, timer))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> DemoSpeaker.start("A", 3, 3, sink, timer))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index must be within 0..2, got 3");
        assertThatThrownBy(() -> DemoSpeaker.start("A", 0, 0, sink, timer))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("count must be within 1..300, got 0");
    }

    // ------------------------------------------------------------------ helpers

    private void advanceTo(DemoSpeaker s, double seconds) {
        clock.set(5 * SECOND + Math.round(seconds * SECOND));
        s.tick();
    }

    private static void assertStepped(List<MediaPacket> packets, long step, int count) {
        assertThat(packets).hasSize(count);
        for (int i = 0; i < packets.size(); i++) {
            assertThat(packets.get(i).pts()).as("packet %d", i).isEqualTo(i * step);
        }
    }

    /** Hue (degrees) of the median Y, U, V of a frame: the background's colour. */
    private static double hueOfMedian(AvDecode.Frame f) {
        double y = median(f.y()) - 16;
        double u = median(f.u()) - 128;
        double v = median(f.v()) - 128;
        double r = 1.164 * y + 1.596 * v;
        double g = 1.164 * y - 0.392 * u - 0.813 * v;
        double b = 1.164 * y + 2.017 * u;
        double max = Math.max(r, Math.max(g, b));
        double min = Math.min(r, Math.min(g, b));
        double c = max - min;
        double h;
        if (max == r) {
            h = ((g - b) / c) % 6;
        } else if (max == g) {
            h = (b - r) / c + 2;
        } else {
            h = (r - g) / c + 4;
        }
        double deg = h * 60;
        return deg > 350 ? deg - 360 : (deg < -10 ? deg + 360 : deg);
    }

    private static int median(byte[] plane) {
        int[] v = new int[plane.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = plane[i] & 0xff;
        }
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private static double meanAbsLumaDiff(AvDecode.Frame a, AvDecode.Frame b) {
        long sum = 0;
        for (int i = 0; i < a.y().length; i++) {
            sum += Math.abs((a.y()[i] & 0xff) - (b.y()[i] & 0xff));
        }
        return (double) sum / a.y().length;
    }

    private static float[] slice(float[] pcm, double from, double to) {
        return Arrays.copyOfRange(pcm, (int) (from * 48_000), (int) (to * 48_000));
    }

    private static double dbfs(float[] x) {
        double sum = 0;
        for (float s : x) {
            sum += (double) s * s;
        }
        return 10 * Math.log10(Math.max(sum / x.length, 1e-12));
    }

    /** Power of {@code hz} in {@code x} (Goertzel). */
    private static double goertzel(float[] x, double hz) {
        return Goertzel.power(x, 0, 1, x.length, hz, 48_000);
    }

    /** Collects packets in arrival order. */
    private static final class Recorder implements MediaSink {
        private final List<MediaPacket> packets = new ArrayList<>();
        final AtomicInteger ends = new AtomicInteger();

        @Override
        public synchronized void onPacket(MediaPacket packet) {
            packets.add(packet);
        }

        @Override
        public void onEnd() {
            ends.incrementAndGet();
        }

        synchronized List<MediaPacket> packets() {
            return List.copyOf(packets);
        }

        synchronized List<MediaPacket> of(MediaKind kind) {
            return packets.stream().filter(p -> p.kind() == kind).toList();
        }
    }
}
