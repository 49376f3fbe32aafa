package dev.amphi.transcode.interactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import dev.amphi.transcode.frame.Picture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The rendition alone, fed canvases directly as the program thread would. */
class InteractiveRenditionTest {

    private static final int FPS = 30;
    private final InteractiveRendition rendition = new InteractiveRendition("unit", 320, 180,
            new InteractiveRendition.VideoSettings(160, 90, 200_000, "ultrafast", FPS, 10 * FPS), // a GOP of 10 s
            new InteractiveRendition.VideoSettings(320, 180, 400_000, "ultrafast", FPS, 10 * FPS));
    private final Picture canvas = Picture.allocate(320, 180);
    private long frame;

    @AfterEach
    void tearDown() {
        rendition.close();
        canvas.close();
    }

    /** Every packet a sink got, and its ends. */
    static final class Capture implements MediaSink {
        final List<MediaPacket> packets = new CopyOnWriteArrayList<>();
        final AtomicInteger ends = new AtomicInteger();
        volatile long delayMillis;

        @Override
        public void onPacket(MediaPacket packet) {
            packets.add(packet);
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis); // a subscriber that cannot keep up
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void onEnd() {
            ends.incrementAndGet();
        }
    }

    /** Hands frames to the rendition, one program frame apart, until {@code done}; the encoder takes them when it can. */
    private void feedUntil(String what, BooleanSupplier done) {
        Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
            canvas.fill((int) (16 + frame % 200), 128, 128);
            rendition.video(canvas, frame++ * 90_000 / FPS);
            return done.getAsBoolean();
        });
    }

    @Test
    void aSubscriberWhoJoinsMidGopStartsAtAnIdrMadeForIt() {
        Capture first = new Capture();
        rendition.subscribe(null, first, null);
        feedUntil("the first subscriber's video", () -> first.packets.size() >= 20);
        Capture late = new Capture();
        rendition.subscribe("s1", late, null);
        long joined = first.packets.get(first.packets.size() - 1).pts();
        feedUntil("the late subscriber's video", () -> late.packets.size() >= 5);

        assertThat(late.packets.get(0).keyframe()).isTrue();
        assertThat(late.packets.get(0).pts() - joined).as("90 kHz from joining to its IDR, well within the 10 s GOP")
                .isLessThanOrEqualTo(90_000);
        assertThat(first.packets.stream().filter(MediaPacket::keyframe).count()).as("the first subscriber got that IDR too")
                .isEqualTo(2);
        assertThat(rendition.stats().keyframesForced()).isEqualTo(1);
    }

    @Test
    void aSlowSubscriberDropsAndIsCountedWhileTheOtherGetsEveryFrame() {
        Capture fast = new Capture();
        Capture slow = new Capture();
        slow.delayMillis = 200;
        InteractiveProgram.Subscription fastSub = rendition.subscribe("fast", fast, null);
        InteractiveProgram.Subscription slowSub = rendition.subscribe("slow", slow, null);
        feedUntil("the slow subscriber falls behind", () -> slowSub.droppedVideo() > 0 && fast.packets.size() >= 120);

        List<MediaPacket> got = List.copyOf(fast.packets);
        for (int i = 1; i < got.size(); i++) {
            assertThat(got.get(i).dts()).isGreaterThan(got.get(i - 1).dts());
        }
        // the slow one takes 5 packets a second whatever the machine does; the fast one is not held up by it
        assertThat(slow.packets.size()).as("packets the slow subscriber took").isLessThan(got.size() / 2);
        assertThat(fastSub.droppedVideo()).as("the fast subscriber's drops").isLessThan(slowSub.droppedVideo());
        assertThat(rendition.stats().subscriberDrops()).isPositive();
        assertThat(got.stream().filter(MediaPacket::keyframe).count()).as("the drop asked for an IDR (the GOP is 10 s)")
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void closingEndsEverySubscribersStreamsAndRefusesNewOnes() {
        Capture video = new Capture();
        Capture audio = new Capture();
        rendition.subscribe("a", video, audio);
        rendition.close();
        Awaitility.await("the ends").atMost(Duration.ofSeconds(10)).until(() -> video.ends.get() == 1 && audio.ends.get() == 1);
        assertThatThrownBy(() -> rendition.subscribe("b", video, null)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSubscriberThatChangesSizeContinuesAtAnIdrOfTheOtherSizeAndNeverGoesBack() {
        Capture video = new Capture();
        InteractiveProgram.Subscription sub = rendition.subscribe("s", video, null);
        assertThat(rendition.videoSizes()).containsExactlyInAnyOrder(InteractiveProgram.VideoSize.LOW,
                InteractiveProgram.VideoSize.HIGH);
        feedUntil("low video", () -> video.packets.size() >= 15);
        sub.videoSize(InteractiveProgram.VideoSize.HIGH);
        assertThat(sub.videoSize()).isEqualTo(InteractiveProgram.VideoSize.HIGH);
        int before = video.packets.size();
        feedUntil("high video", () -> video.packets.size() >= before + 30);
        Awaitility.await("the low encoder stops: nobody watches it").atMost(Duration.ofSeconds(10))
                .until(() -> !threadRunning("amphi-interactive-unit-video"));
        assertThat(threadRunning("amphi-interactive-unit-video-high")).isTrue();
        sub.videoSize(InteractiveProgram.VideoSize.LOW);
        int mid = video.packets.size();
        feedUntil("low video again", () -> video.packets.size() >= mid + 30);

        List<MediaPacket> got = List.copyOf(video.packets);
        for (int i = 1; i < got.size(); i++) {
            assertThat(got.get(i).dts()).as("packet %d", i).isGreaterThan(got.get(i - 1).dts());
        }
        List<ReturnDecode.Frame> frames = ReturnDecode.video(got).frames();
        assertThat(frames).as("every packet decodes, across both changes").hasSize(got.size());
        List<Integer> widths = new java.util.ArrayList<>(); // one entry per run of one size
        for (ReturnDecode.Frame f : frames) {
            if (widths.isEmpty() || widths.get(widths.size() - 1) != f.width()) {
                widths.add(f.width());
            }
        }
        assertThat(widths).as("the sizes in order").containsExactly(160, 320, 160);
        for (int i = 1; i < frames.size(); i++) {
            if (frames.get(i).width() != frames.get(i - 1).width()) {
                assertThat(got.get(i).keyframe()).as("a change of size at packet %d is an IDR", i).isTrue();
            }
        }
    }

    @Test
    void aSizeTheProgramDoesNotOfferIsRefused() {
        try (InteractiveRendition one = new InteractiveRendition("one", 320, 180,
                new InteractiveRendition.VideoSettings(160, 90, 200_000, "ultrafast", FPS, FPS))) {
            InteractiveProgram.Subscription sub = one.subscribe(null, new Capture(), null);
            assertThatThrownBy(() -> sub.videoSize(InteractiveProgram.VideoSize.HIGH))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no HIGH");
            InteractiveProgram.Subscription audioOnly = one.subscribe(null, null, new Capture());
            assertThatThrownBy(() -> audioOnly.videoSize(InteractiveProgram.VideoSize.LOW))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    private static boolean threadRunning(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.isAlive() && t.getName().equals(name));
    }

    @Test
    void aSubscriberNeedsASink() {
        assertThatThrownBy(() -> rendition.subscribe("a", null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("video or an audio sink");
    }

    @Test
    void theVideoEncoderStopsWithItsLastSubscriber() {
        Capture video = new Capture();
        InteractiveProgram.Subscription sub = rendition.subscribe(null, video, null);
        feedUntil("video", () -> !video.packets.isEmpty());
        sub.close();
        Awaitility.await("the encoder thread ends").atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces()
                .keySet().stream().noneMatch(t -> t.isAlive() && t.getName().equals("amphi-interactive-unit-video")));
        long encoded = rendition.stats().framesEncoded();
        for (int i = 0; i < 10; i++) {
            rendition.video(canvas, frame++ * 90_000 / FPS);
        }
        assertThat(rendition.stats().framesEncoded()).isEqualTo(encoded);
        assertThat(rendition.stats().subscribers()).isZero();
    }
}
