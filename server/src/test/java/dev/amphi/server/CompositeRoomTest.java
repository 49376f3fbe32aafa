package dev.amphi.server;

import static dev.amphi.server.TestSupport.await;
import static dev.amphi.server.TestSupport.get;
import static dev.amphi.server.TestSupport.httpUrl;
import static dev.amphi.server.TestSupport.rtmpUrl;
import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.transcode.ProgramStats;
import dev.amphi.transcode.RoomProgram;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A composited room end to end: FFmpeg's RTMP client publishes two speakers with distinct
 * colours, FFmpeg's HLS demuxer reads the room's ladder back and sees both tiles; a speaker that
 * leaves turns into the placeholder while the program keeps its frame rate.
 */
class CompositeRoomTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(40);
    private static final int RED = 0xff0000;
    private static final int BLUE = 0x0000ff;

    @TempDir
    static Path dataDir;
    static AmphiServer server;

    @BeforeAll
    static void start() throws Exception {
        SyntheticPublisher.warmUp();
        server = TestSupport.start(dataDir, "--room-mode", "composite", "--room", "panel=panel-stream-key-0123",
                "--canvas", "640x360", "--ladder", "360p:640x360:800k,180p:320x180:250k", "--preset", "ultrafast",
                "--segment-duration", "1s");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Mean x of the pixels close to {@code rgb} in a BGR24 frame, or -1 when fewer than 1% match. */
    static double centroidX(Frame f, int rgb) {
        ByteBuffer b = (ByteBuffer) f.image[0];
        int stride = f.imageStride;
        long sum = 0;
        long n = 0;
        for (int y = 0; y < f.imageHeight; y += 2) {
            for (int x = 0; x < f.imageWidth; x += 2) {
                int o = y * stride + 3 * x;
                int bl = b.get(o) & 0xff;
                int g = b.get(o + 1) & 0xff;
                int r = b.get(o + 2) & 0xff;
                if (Math.abs(r - ((rgb >> 16) & 0xff)) < 70 && Math.abs(g - ((rgb >> 8) & 0xff)) < 70 && Math.abs(bl - (rgb & 0xff)) < 70) {
                    sum += x;
                    n++;
                }
            }
        }
        return n * 100 < (long) (f.imageWidth / 2) * (f.imageHeight / 2) ? -1 : (double) sum / n;
    }

    /** The first video frame FFmpeg's HLS demuxer reads from the room's master playlist now. */
    static Frame liveFrame(String room) throws Exception {
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(httpUrl(server, "/live/" + room + "/master.m3u8"));
        g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
        g.setOption("rw_timeout", "10000000");
        try {
            g.start();
            Frame f;
            int seen = 0;
            while ((f = g.grabImage()) != null) {
                if (++seen == 5) { // past the first frames of the segment
                    return f.clone();
                }
            }
            throw new AssertionError("no video frame in the room's HLS output");
        } finally {
            g.stop();
            g.release();
        }
    }

    private static RoomProgram program(String room) {
        return server.programRooms().stream().filter(p -> p.room().name().equals(room)).findFirst()
                .flatMap(ProgramRoom::program).orElseThrow(() -> new AssertionError("room " + room + " has no program"));
    }

    @Test
    void twoSpeakersShowSideBySideAndALeavingOneBecomesThePlaceholder() throws Exception {
        AtomicBoolean stopRed = new AtomicBoolean();
        AtomicBoolean stopBlue = new AtomicBoolean();
        CompletableFuture<Integer> red = CompletableFuture.supplyAsync(() -> publish("panel-stream-key-0123?name=Red", RED, 440, stopRed));
        try {
            await(TIMEOUT, "speaker Red in the program", () -> server.programRooms().stream()
                    .anyMatch(p -> p.program().map(q -> q.speakers().contains("red")).orElse(false)));
            CompletableFuture<Integer> blue = CompletableFuture.supplyAsync(() -> publish("panel-stream-key-0123?name=Blue", BLUE, 880, stopBlue));
            await(TIMEOUT, "speaker Blue in the program", () -> program("panel").speakers().contains("blue"));

            String master = httpUrl(server, "/live/panel/master.m3u8");
            await(TIMEOUT, "the ladder's master playlist", () -> get(master).status() == 200);
            String body = get(master).body();
            assertThat(body).contains("RESOLUTION=640x360").contains("RESOLUTION=320x180").contains("TYPE=AUDIO");
            assertThat(server.rooms().isLive("panel")).isTrue();

            // both speakers' tiles, in join order, once their pictures made it through the jitter buffer
            await(TIMEOUT, "red left of blue in the composited picture", () -> {
                try {
                    Frame f = liveFrame("panel");
                    double r = centroidX(f, RED);
                    double b = centroidX(f, BLUE);
                    return r >= 0 && b >= 0 && r < b;
                } catch (Exception e) {
                    return false;
                }
            });

            stopBlue.set(true);
            assertThat(blue.get(30, TimeUnit.SECONDS)).isPositive();
            ProgramStats before = program("panel").stats();
            long t0 = System.nanoTime();
            // frozen for up to 2 s, then the placeholder: no blue left, red still there
            await(TIMEOUT, "Blue's tile to turn into the placeholder", () -> {
                try {
                    Frame f = liveFrame("panel");
                    return centroidX(f, BLUE) < 0 && centroidX(f, RED) >= 0;
                } catch (Exception e) {
                    return false;
                }
            });
            ProgramStats after = program("panel").stats();
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat((after.frames() - before.frames()) / seconds).as("program frame rate while a speaker left")
                    .isBetween(27.0, 33.0);
            assertThat(program("panel").speakers()).as("a speaker who left keeps the tile for the rejoin grace")
                    .containsExactly("red", "blue");
            String metrics = get(httpUrl(server, "/metrics")).body();
            java.util.regex.Matcher frames = java.util.regex.Pattern
                    .compile("amphi_program_frames_total\\{room=\"panel\"} ([0-9.E]+)").matcher(metrics);
            assertThat(frames.find()).as("program frames in /metrics").isTrue();
            assertThat(Double.parseDouble(frames.group(1))).isGreaterThan(60);
            assertThat(metrics).contains("amphi_program_speakers{room=\"panel\"} 2.0")
                    .contains("amphi_program_video_shed_total{room=\"panel\"}")
                    .contains("amphi_program_ladder_dropped_total{room=\"panel\"}")
                    .contains("amphi_program_shed_level{room=\"panel\"}")
                    .contains("amphi_program_audio_dropped_total{room=\"panel\"} 0.0");
        } finally {
            stopRed.set(true);
            stopBlue.set(true);
            red.get(30, TimeUnit.SECONDS);
        }
    }

    private static int publish(String key, int rgb, int tone, AtomicBoolean stop) {
        try {
            return SyntheticPublisher.publishColour(rtmpUrl(server, key), 60 * SyntheticPublisher.FPS, rgb, tone, true, stop);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
