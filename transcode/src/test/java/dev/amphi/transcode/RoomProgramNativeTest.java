package dev.amphi.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import dev.amphi.transcode.encode.Rung;
import dev.amphi.transcode.ffmpeg.NativeObjects;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/**
 * A room program's native memory and threads when a step fails: what was opened is freed (the
 * count of live FFmpeg objects and JavaCPP's bytes come back to where they were), every output
 * is ended. Encoders fail for real here, through a rung x264 refuses to open.
 */
class RoomProgramNativeTest {

    private static final int W = 320;
    private static final int H = 180;
    private static final Rung GOOD = new Rung("180p", W, H, 300_000);
    /** x264 refuses to open at 999 bit/s (its rate control works in whole kbit/s: "bitrate not specified"). */
    private static final Rung REFUSED = new Rung("90p", 160, 90, 999);

    /** Sinks that record which outputs were ended, and can be made to throw. */
    private static final class Outputs implements ProgramOutput {
        final List<String> ended = new CopyOnWriteArrayList<>();
        volatile boolean audioBreaksWhileEnding;
        volatile boolean ending;
        volatile String videoEndBreaks = "";

        @Override
        public MediaSink video(int index) {
            return new MediaSink() {
                @Override
                public void onPacket(MediaPacket p) {
                }

                @Override
                public void onEnd() {
                    ended.add("video" + index);
                    if (videoEndBreaks.equals("video" + index)) {
                        throw new IllegalStateException("video sink " + index + " broke at its end");
                    }
                }
            };
        }

        @Override
        public MediaSink audio() {
            return new MediaSink() {
                @Override
                public void onPacket(MediaPacket p) {
                    if (ending && audioBreaksWhileEnding) {
                        throw new IllegalStateException("audio sink broke on the last packets");
                    }
                }

                @Override
                public void onEnd() {
                    ended.add("audio");
                }
            };
        }
    }

    private static RoomProgram.Builder builder(String room, List<Rung> ladder, ProgramOutput out) {
        return RoomProgram.builder(room).canvas(W, H).fps(30).segmentDuration(Duration.ofSeconds(1)).preset("ultrafast")
                .encoderThreads(1).ladder(ladder).output(out);
    }

    /** JavaCPP's allocated bytes after a collection has freed what is garbage. */
    private static long settledJavaCppBytes() {
        System.gc();
        Pointer.deallocateReferences();
        return Pointer.totalBytes();
    }

    private static Set<String> encoderThreads(String room) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("amphi-enc-" + room + "-")).collect(Collectors.toSet());
    }

    @Test
    void aStartWhoseLaterEncoderFailsFreesWhatItHadOpened() {
        long natives = NativeObjects.live();
        long javacpp = -1;
        for (int round = 0; round < 3; round++) { // a room may try again: nothing piles up
            try (RoomProgram program = builder("refused", List.of(GOOD, REFUSED), new Outputs()).build()) {
                program.join("a", "A");
                assertThatThrownBy(program::start).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("libx264");
                assertThat(NativeObjects.live()).as("FFmpeg objects alive after failed start %d: %s", round,
                        NativeObjects.liveByKind()).isEqualTo(natives);
                assertThat(encoderThreads("refused")).isEmpty();
            }
            assertThat(NativeObjects.live()).isEqualTo(natives);
            // JavaCPP's bytes: small structs returned by value (AVRational) are garbage freed after a GC, and
            // classes initialised on first use keep theirs: the first round sets the mark
            if (round == 0) {
                javacpp = settledJavaCppBytes();
            } else {
                long mark = javacpp;
                await().atMost(Duration.ofSeconds(10)).until(() -> settledJavaCppBytes() <= mark);
            }
        }
    }

    @Test
    void endingClosesEveryEncoderAndEndsEveryOutputWhenOneThrows() throws InterruptedException {
        long natives = NativeObjects.live();
        Outputs out = new Outputs();
        out.audioBreaksWhileEnding = true;
        out.videoEndBreaks = "video0";
        OfflineClock clock = ProgramClock.offline();
        RoomProgram program = builder("ending", List.of(GOOD, new Rung("90p", 160, 90, 100_000)), out)
                .clock(clock)
                .build();
        try {
            program.start();
            for (int n = 0; n < 45; n++) { // the AAC encoder holds back its last frames until the flush
                clock.tick();
            }
            assertThat(NativeObjects.live()).isGreaterThan(natives);
            out.ending = true;
            assertThatThrownBy(clock::finish).hasMessage("audio sink broke on the last packets")
                    .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
                            .containsExactly("video sink 0 broke at its end"));
            assertThat(out.ended).containsExactlyInAnyOrder("video0", "video1", "audio");
            assertThat(encoderThreads("ending")).isEmpty();
        } finally {
            program.close();
        }
        assertThat(NativeObjects.live()).as("FFmpeg objects alive: %s", NativeObjects.liveByKind()).isEqualTo(natives);
    }

    @Test
    void encoderThreadsAreNamedAfterTheRoomAndTheRung() {
        long natives = NativeObjects.live();
        try (RoomProgram program = builder("hall-7", List.of(GOOD, new Rung("90p", 160, 90, 100_000)), new Outputs())
                .build().start()) {
            assertThat(encoderThreads("hall-7")).containsExactlyInAnyOrder("amphi-enc-hall-7-180p", "amphi-enc-hall-7-90p");
            await().atMost(Duration.ofSeconds(20)).until(() -> program.stats().frames() >= 3);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> encoderThreads("hall-7").isEmpty());
        assertThat(NativeObjects.live()).isEqualTo(natives);
    }
}
