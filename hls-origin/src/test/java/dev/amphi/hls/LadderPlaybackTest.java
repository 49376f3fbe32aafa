package dev.amphi.hls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A ladder of three real H.264 rungs (libx264, same GOP, B-frames) and AAC, fed from one thread per
 * rendition like the encoder ladder does, served over HTTP and played back by FFmpeg's HLS demuxer:
 * through the master, and rung by rung to compare where their keyframes fall.
 */
class LadderPlaybackTest {

    private static final List<String> RUNGS = List.of("240p", "180p", "120p");
    private static final int[][] SIZES = {{320, 240}, {240, 180}, {160, 120}};

    private ServedOrigin served;
    private HlsOrigin origin;
    private String base;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        served = ServedOrigin.start();
        origin = served.origin;
        base = served.base;
    }

    @AfterEach
    void stop() throws Exception {
        served.close();
    }

    @Test
    void ffmpegPlaysTheMasterAndEveryRungHasItsKeyframesAtTheSameTimes() throws Exception {
        List<MediaPacket> muxed = EncodedStream.packets();
        List<List<MediaPacket>> tracks = new ArrayList<>();
        tracks.add(muxed.stream().filter(p -> p.kind() == MediaKind.VIDEO).toList());
        tracks.add(EncodedStream.video(SIZES[1][0], SIZES[1][1]));
        tracks.add(EncodedStream.video(SIZES[2][0], SIZES[2][1]));
        List<MediaPacket> audio = muxed.stream().filter(p -> p.kind() == MediaKind.AUDIO).toList();

        HlsOrigin.Ladder ladder = origin.ladder("room", RUNGS);
        List<MediaSink> sinks = List.of(ladder.video(0), ladder.video(1), ladder.video(2), ladder.audio());
        tracks.add(audio);
        feedInParallel(sinks, tracks);
        assertThat(origin.liveStreams()).isEmpty();

        String master = get("/live/room/master.m3u8");
        Matcher m = Pattern.compile("RESOLUTION=(\\d+x\\d+),FRAME-RATE=[0-9.]+,AUDIO=\"audio\"\n([^\n]+)\n")
                .matcher(master);
        List<String> listed = new ArrayList<>();
        while (m.find()) {
            listed.add(m.group(1) + " " + m.group(2));
        }
        assertThat(listed).containsExactly("320x240 240p/index.m3u8", "240x180 180p/index.m3u8",
                "160x120 120p/index.m3u8");

        long sent = tracks.get(0).size();
        List<Long> reference = null;
        for (int r = 0; r < RUNGS.size(); r++) {
            Playback p = play(base + "/live/room/" + RUNGS.get(r) + "/index.m3u8");
            assertThat(p.width).isEqualTo(SIZES[r][0]);
            assertThat(p.videoFrames).isEqualTo(sent);
            assertThat(p.keyframes).hasSize(EncodedStream.SECONDS / 2);
            if (reference == null) {
                reference = p.keyframes;
            } else {
                assertThat(p.keyframes).as("keyframe times of " + RUNGS.get(r)).isEqualTo(reference);
            }
        }

        Playback all = play(base + "/live/room/master.m3u8");
        assertThat(all.width).isIn(320, 240, 160);
        assertThat((double) all.videoFrames).isBetween(sent * 0.95, sent * 1.05);
        assertThat(all.audioFrames).isGreaterThan(0);
        assertThat(all.monotonic).isTrue();
    }

    /**
     * One thread per sink, all advancing through the stream in steps of 0.5 s of media time (a
     * barrier between steps), so the ladder's lock sees packets of every rendition interleaved the
     * way parallel encoders deliver them; each sink ends after its last packet.
     */
    private static void feedInParallel(List<MediaSink> sinks, List<List<MediaPacket>> tracks) throws Exception {
        long step = 45_000;
        long last = tracks.stream().mapToLong(t -> t.get(t.size() - 1).dts()).max().orElseThrow();
        int steps = (int) (last / step) + 2;
        CyclicBarrier barrier = new CyclicBarrier(sinks.size());
        ExecutorService pool = Executors.newFixedThreadPool(sinks.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < sinks.size(); i++) {
                MediaSink sink = sinks.get(i);
                List<MediaPacket> track = tracks.get(i);
                done.add(pool.submit(() -> {
                    int next = 0;
                    for (int s = 1; s <= steps; s++) {
                        while (next < track.size() && track.get(next).dts() < s * step) {
                            sink.onPacket(track.get(next++));
                        }
                        barrier.await(30, TimeUnit.SECONDS);
                    }
                    sink.onEnd();
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private record Playback(int width, long videoFrames, long audioFrames, boolean monotonic, List<Long> keyframes) { }

    private static Playback play(String url) throws Exception {
        org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(url);
        long video = 0;
        long audio = 0;
        boolean monotonic = true;
        long last = Long.MIN_VALUE;
        List<Long> keyframes = new ArrayList<>();
        try {
            g.setOption("rw_timeout", "10000000");
            g.start();
            int width = g.getImageWidth();
            Frame f;
            while ((f = g.grab()) != null) {
                if (f.image != null) {
                    video++;
                    if (f.keyFrame) {
                        keyframes.add(f.timestamp);
                    }
                    monotonic &= f.timestamp > last;
                    last = f.timestamp;
                } else if (f.samples != null) {
                    audio++;
                }
            }
            g.stop();
            return new Playback(width, video, audio, monotonic, keyframes);
        } finally {
            g.release();
        }
    }

    private String get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET " + path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }
}
