package dev.amphi.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class MediaFanoutTest {

    private static final AvcConfig AVC = AvcConfig.parse(java.util.HexFormat.of().parseHex(
            "0164001effe100196764001eacd940a02ff9610000030001000003003c8f162d9601000668ebe3cb22c0"));
    private static final AacConfig AAC = AacConfig.lc(48000, 2);

    /** An executor that runs tasks only when the test says so: a consumer that is "slow". */
    static final class ManualExecutor implements Executor {
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

        @Override
        public void execute(Runnable r) {
            tasks.add(r);
        }

        void runAll() {
            Runnable r;
            while ((r = tasks.poll()) != null) {
                r.run();
            }
        }
    }

    static MediaPacket video(long dts, boolean key) {
        return new MediaPacket(MediaKind.VIDEO, AVC, dts, 0, key, new byte[10]);
    }

    static MediaPacket audio(long dts) {
        return new MediaPacket(MediaKind.AUDIO, AAC, dts, 0, true, new byte[5]);
    }

    /** A sink that records "p{dts}" for each packet and "end" for the end of the stream. */
    static MediaSink recorder(List<String> events) {
        return new MediaSink() {
            @Override
            public void onPacket(MediaPacket p) {
                events.add("p" + p.dts());
            }

            @Override
            public void onEnd() {
                events.add("end");
            }
        };
    }

    @Test
    void slowConsumerLosesVideoUntilNextKeyframeButNotAudioAndFastOneLosesNothing() {
        MediaFanout fanout = MediaFanout.create();
        List<MediaPacket> fast = new ArrayList<>();
        List<MediaPacket> slow = new ArrayList<>();
        ManualExecutor slowExec = new ManualExecutor();
        MediaFanout.Subscription fastSub = fanout.subscribe("fast", fast::add, Runnable::run, 4);
        MediaFanout.Subscription slowSub = fanout.subscribe("slow", slow::add, slowExec, 4);

        fanout.onPacket(video(0, true));
        for (int i = 1; i <= 5; i++) {
            fanout.onPacket(video(i * 3000, false)); // slow queue fills at 4, the rest dropped
        }
        fanout.onPacket(audio(100));                  // audio still fits (below 2x capacity)
        slowExec.runAll();                            // the slow consumer catches up
        fanout.onPacket(video(18000, false));         // still skipping: no keyframe yet
        fanout.onPacket(video(21000, true));          // the keyframe resumes video
        slowExec.runAll();

        assertThat(fast).hasSize(9);
        assertThat(fastSub.droppedVideo()).isZero();
        assertThat(slow).extracting(MediaPacket::dts).containsExactly(0L, 3000L, 6000L, 9000L, 100L, 21000L);
        assertThat(slowSub.droppedVideo()).isEqualTo(3);
        assertThat(slowSub.droppedAudio()).isZero();
    }

    @Test
    void endReachesConsumersInOrderAndClosedSubscriptionGetsNothing() {
        MediaFanout fanout = MediaFanout.create();
        List<String> events = new ArrayList<>();
        MediaSink sink = recorder(events);
        MediaFanout.Subscription sub = fanout.subscribe("s", sink, Runnable::run, 8);
        fanout.onPacket(audio(1));
        fanout.onEnd();
        sub.close();
        fanout.onPacket(audio(2));
        assertThat(events).containsExactly("p1", "end");
        assertThat(fanout.subscriberCount()).isZero();
    }

    @Test
    void failingConsumerDoesNotStopLaterPackets() {
        MediaFanout fanout = MediaFanout.create();
        List<Long> seen = new ArrayList<>();
        fanout.subscribe("flaky", p -> {
            if (p.dts() == 1) {
                throw new IllegalStateException("boom");
            }
            seen.add(p.dts());
        }, Runnable::run, 8);
        fanout.onPacket(audio(1));
        fanout.onPacket(audio(2));
        assertThat(seen).containsExactly(2L);
    }

    @Test
    void batchedConsumerIsWokenAtKeyframesAndFullBatchesAndGetsEveryPacketInOrder() {
        MediaFanout fanout = MediaFanout.create();
        List<Long> seen = new ArrayList<>();
        ManualExecutor exec = new ManualExecutor();
        fanout.subscribe("hls", p -> seen.add(p.dts()), exec, 64, 4);

        fanout.onPacket(audio(1));                    // no video yet: delivered at once
        exec.runAll();
        assertThat(seen).containsExactly(1L);
        fanout.onPacket(video(3000, true));           // a keyframe wakes it at once
        assertThat(exec.tasks).hasSize(1);
        exec.runAll();
        fanout.onPacket(audio(3001));
        fanout.onPacket(video(6000, false));
        fanout.onPacket(audio(6001));
        assertThat(exec.tasks).isEmpty();             // three packets wait
        fanout.onPacket(video(9000, false));          // the 4th waiting packet wakes it
        assertThat(exec.tasks).hasSize(1);
        exec.runAll();
        assertThat(seen).containsExactly(1L, 3000L, 3001L, 6000L, 6001L, 9000L);
        fanout.onPacket(audio(9001));
        fanout.onPacket(video(12000, true));          // the keyframe brings the waiting audio along
        exec.runAll();
        assertThat(seen).endsWith(9001L, 12000L);
    }

    @Test
    void batchedConsumerGetsWaitingAudioBeforeTheEndOfTheStream() {
        MediaFanout fanout = MediaFanout.create();
        List<String> events = new ArrayList<>();
        fanout.subscribe("hls", recorder(events), Runnable::run, 64, 8);
        fanout.onPacket(video(0, true));
        fanout.onPacket(audio(1));
        assertThat(events).containsExactly("p0");
        fanout.onEnd();
        assertThat(events).containsExactly("p0", "p1", "end");
        fanout.onPacket(audio(2));                    // a new session starts without video: at once
        assertThat(events).containsExactly("p0", "p1", "end", "p2");
    }

    @Test
    void batchOutsideItsRangeIsRefusedByName() {
        MediaFanout fanout = MediaFanout.create();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> fanout.subscribe("x", p -> { }, Runnable::run, 8, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch").hasMessageContaining("0");
    }

    @Test
    void anErrorInAConsumerIsLoggedWithTheConsumersNameAndThrownOnToItsExecutor() {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(MediaFanout.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen = new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            MediaFanout fanout = MediaFanout.create();
            ManualExecutor executor = new ManualExecutor();
            fanout.subscribe("speaker:ada", new MediaSink() {
                @Override
                public void onPacket(MediaPacket p) {
                    throw new OutOfMemoryError("no memory for a frame");
                }

                @Override
                public void onEnd() {
                }
            }, executor, 8);
            fanout.onPacket(video(0, true));
            org.assertj.core.api.Assertions.assertThatThrownBy(executor::runAll).isInstanceOf(OutOfMemoryError.class);
            assertThat(seen.list).anySatisfy(e -> {
                assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
                assertThat(e.getFormattedMessage()).contains("speaker:ada", "OutOfMemoryError");
            });
        } finally {
            log.detachAppender(seen);
        }
    }
}
