package dev.amphi.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import dev.amphi.media.OpusConfig;
import dev.amphi.transcode.video.TileShortcuts;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A publish session's timeline is anchored where its first packet arrived, plus the jitter buffer,
 * however late the decode worker gets to it: a worker that was behind (a loaded machine, a batch
 * waited for) must not add its lag to every frame of the session.
 */
class SpeakerAnchorTest {

    private static final long JITTER = 18_000; // 200 ms at 90 kHz
    private final AtomicLong programNow = new AtomicLong(900_000);
    private final Queue<Runnable> decodeTasks = new ArrayDeque<>();
    private final Speaker speaker = new Speaker("ada", "Ada", 0, decodeTasks::add, programNow::get, JITTER, TileShortcuts.NONE);

    @AfterEach
    void close() {
        speaker.close();
    }

    private static MediaPacket opus(long dts) {
        return new MediaPacket(MediaKind.AUDIO, new OpusConfig(2), dts, 0, true, new byte[] {(byte) 0xfc, 0, 0});
    }

    private void decodeWorkerRuns() {
        Runnable r;
        while ((r = decodeTasks.poll()) != null) {
            r.run();
        }
    }

    @Test
    void theFirstPacketsArrivalAnchorsTheSessionNotTheDecodeWorkersLateStart() {
        MediaSink in = speaker.input();
        for (int i = 0; i < Speaker.WAKE_BATCH; i++) {
            in.onPacket(opus(5_000 + 1_800L * i)); // arrive together at program time 900,000
        }
        programNow.addAndGet(9_000); // the worker runs 100 ms later
        decodeWorkerRuns();
        assertThat(speaker.timelineOffset()).as("arrival + jitter - first dts").isEqualTo(900_000 + JITTER - 5_000);

        // the publisher leaves and comes back: the new session is anchored at its own arrival
        in.onEnd();
        decodeWorkerRuns();
        programNow.addAndGet(90_000);
        long back = programNow.get();
        for (int i = 0; i < Speaker.WAKE_BATCH; i++) {
            in.onPacket(opus(1_800L * i));
        }
        programNow.addAndGet(27_000); // 300 ms behind this time
        decodeWorkerRuns();
        assertThat(speaker.timelineOffset()).isEqualTo(back + JITTER);
    }

    @Test
    void aSpeakerFedDirectlyIsAnchoredWhenItsPacketIsDecoded() {
        programNow.addAndGet(4_500);
        speaker.direct().onPacket(opus(7_000));
        assertThat(speaker.timelineOffset()).isEqualTo(904_500 + JITTER - 7_000);
    }
}
