package dev.amphi.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import dev.amphi.transcode.encode.Rung;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * A disconnected speaker keeps its place for the rejoin grace, then leaves; the room's listener
 * hears about it when it happens and the room's counters keep what her tile counted. A speaker fed
 * directly by an offline driver (the benchmark's way) is connected for as long as she is fed.
 */
class RejoinGraceTest {

    private static final int FPS = 30;

    /** A 320x180 program of one rung on an offline clock, whose speakers have a 1 s rejoin grace; its output goes nowhere. */
    private static RoomProgram.Builder smallProgram(String room, ExecutorService pool, OfflineClock clock) {
        ProgramOutput nowhere = new ProgramOutput() {
            @Override
            public MediaSink video(int index) {
                return p -> { };
            }

            @Override
            public MediaSink audio() {
                return p -> { };
            }
        };
        return RoomProgram.builder(room)
                .canvas(320, 180).fps(FPS)
                .ladder(List.of(new Rung("180p", 320, 180, 250_000)))
                .preset("ultrafast")
                .rejoinGrace(Duration.ofSeconds(1))
                .output(nowhere)
                .decodeExecutor(pool)
                .clock(clock);
    }

    @Test
    void aSpeakerWhoDoesNotComeBackLeavesAfterTheGraceAndTheListenerHearsIt() throws Exception {
        List<List<String>> changes = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        OfflineClock clock = ProgramClock.offline();
        RoomProgram program = smallProgram("grace", pool, clock)
                .listener(new ProgramListener() {
                    @Override
                    public void speakersChanged(String room, List<String> speakers) {
                        changes.add(speakers);
                    }
                })
                .build();
        try {
            MediaSink ada = program.join("ada", "Ada");
            program.start();
            for (MediaPacket p : RoomProgramOverloadTest.speakerStream(1)) {
                ada.onPacket(p); // decoded on the pool, beside the program
                Thread.sleep(5); // as a publisher sends them, within the speaker's bounded queue
            }
            await("Ada's pictures decoded").atMost(Duration.ofSeconds(20))
                    .until(() -> program.stats().decodedVideo() >= FPS / 2);
            long decoded = program.stats().decodedVideo();
            ada.onEnd(); // she leaves
            for (int i = 0; i < FPS * 8 / 10; i++) {
                clock.tick();
            }
            assertThat(program.speakers()).as("within the grace, Ada keeps her place").containsExactly("ada");
            assertThat(changes).last().isEqualTo(List.of("ada"));
            for (int i = 0; i < FPS * 4 / 10; i++) {
                clock.tick();
            }
            assertThat(program.speakers()).as("1.2 s after she left, grace 1 s").isEmpty();
            assertThat(changes).as("the listener heard that Ada left").last().isEqualTo(List.of());
            assertThat(program.stats().decodedVideo()).as("the room's counters keep what Ada's tile counted")
                    .isGreaterThanOrEqualTo(decoded);
        } finally {
            program.close();
            pool.shutdownNow();
        }
    }

    @Test
    void aSpeakerFedByAnOfflineDriverStaysPastTheGraceAndLeavesAfterItOnceTheFeedEnds() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        OfflineClock clock = ProgramClock.offline();
        RoomProgram program = smallProgram("offline", pool, clock).build();
        try {
            program.join("ada", "Ada");
            program.start();
            List<MediaPacket> stream = RoomProgramOverloadTest.speakerStream(3);
            int next = 0;
            long jitter = 200L * 90;
            for (long frame = 0; frame < 3 * FPS - 10; frame++) {
                // as the compositing benchmark does: the packets due for this frame, through the speaker's decode side
                MediaSink decoder = clock.decoderOf("ada");
                assertThat(decoder).as("frame %d: Ada is still in the room to be fed", frame).isNotNull();
                long due = (frame + 1) * MediaPacket.TIMESCALE / FPS + jitter;
                while (next < stream.size() && stream.get(next).dts() <= due) {
                    decoder.onPacket(stream.get(next++));
                }
                clock.tick();
            }
            assertThat(program.speakers()).as("2.7 s of program fed, grace 1 s: Ada stays").containsExactly("ada");
            assertThat(program.stats().decodedVideo()).as("her pictures kept being decoded after the grace")
                    .isGreaterThan(2L * FPS);

            clock.decoderOf("ada").onEnd(); // the driver stops feeding her
            for (int i = 0; i < FPS * 8 / 10; i++) {
                clock.tick();
            }
            assertThat(program.speakers()).as("within the grace after her feed ended").containsExactly("ada");
            for (int i = 0; i < FPS * 4 / 10; i++) {
                clock.tick();
            }
            assertThat(program.speakers()).as("1.2 s after her feed ended, grace 1 s").isEmpty();
        } finally {
            program.close();
            pool.shutdownNow();
        }
    }
}
