package dev.amphi.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.media.MediaSink;
import dev.amphi.transcode.encode.Rung;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * A disconnected speaker keeps its place for the rejoin grace, then leaves, and the room's listener
 * hears about it when it happens.
 */
class RejoinGraceTest {

    private static final int FPS = 30;

    @Test
    void aSpeakerWhoDoesNotComeBackLeavesAfterTheGraceAndTheListenerHearsIt() throws Exception {
        List<List<String>> changes = new CopyOnWriteArrayList<>();
        ProgramOutput out = new ProgramOutput() {
            @Override
            public MediaSink video(int index) {
                return p -> { };
            }

            @Override
            public MediaSink audio() {
                return p -> { };
            }
        };
        ExecutorService pool = Executors.newSingleThreadExecutor();
        DefaultRoomProgram program = (DefaultRoomProgram) RoomProgram.builder("grace")
                .canvas(320, 180).fps(FPS)
                .ladder(List.of(new Rung("180p", 320, 180, 250_000)))
                .preset("ultrafast")
                .rejoinGrace(Duration.ofSeconds(1))
                .output(out)
                .decodeExecutor(pool)
                .listener(new ProgramListener() {
                    @Override
                    public void speakersChanged(String room, List<String> speakers) {
                        changes.add(speakers);
                    }
                })
                .build();
        try {
            MediaSink ada = program.join("ada", "Ada");
            program.startOffline();
            long frame = 0;
            ada.onEnd();
            for (int i = 0; i < FPS * 8 / 10; i++) {
                program.offlineTick(frame++);
            }
            assertThat(program.speakers()).as("within the grace, Ada keeps her place").containsExactly("ada");
            assertThat(changes).last().isEqualTo(List.of("ada"));
            for (int i = 0; i < FPS * 4 / 10; i++) {
                program.offlineTick(frame++);
            }
            assertThat(program.speakers()).as("1.2 s after she left, grace 1 s").isEmpty();
            assertThat(changes).as("the listener heard that Ada left").last().isEqualTo(List.of());
        } finally {
            program.close();
            pool.shutdownNow();
        }
    }
}
