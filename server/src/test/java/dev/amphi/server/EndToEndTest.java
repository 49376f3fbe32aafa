package dev.amphi.server;

import static dev.amphi.server.TestSupport.await;
import static dev.amphi.server.TestSupport.get;
import static dev.amphi.server.TestSupport.httpUrl;
import static dev.amphi.server.TestSupport.rtmpUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole server with real clients: FFmpeg's RTMP client publishes, FFmpeg's HLS demuxer reads
 * the master playlist back. Each test uses its own room of one shared server.
 */
class EndToEndTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path dataDir;
    static AmphiServer server;

    @BeforeAll
    static void start() throws Exception {
        SyntheticPublisher.warmUp();
        server = TestSupport.start(dataDir, "--room", "e2e=e2e-stream-key-0123", "--room", "again=again-stream-key-0123", "--room", "keytest=keytest-stream-key-0123");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** What FFmpeg's HLS demuxer read from a master playlist. */
    record Readback(boolean video, boolean audio, int videoCodec, int audioCodec, int profile, int level, int audioProfile,
                    List<Long> videoTimes, List<Long> audioTimes, List<Integer> brightness, long audioSamples) {
        long bright() {
            return brightness.stream().filter(b -> b > 128).count();
        }

        long dark() {
            return brightness.stream().filter(b -> b <= 128).count();
        }
    }

    private static Readback read(String masterUrl) throws Exception {
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(masterUrl);
        g.setPixelFormat(avutil.AV_PIX_FMT_GRAY8);
        g.setOption("rw_timeout", "10000000");
        List<Long> videoTimes = new ArrayList<>();
        List<Long> audioTimes = new ArrayList<>();
        List<Integer> brightness = new ArrayList<>();
        long samples = 0;
        try {
            g.start();
            int profile = -1;
            int level = -1;
            int audioProfile = -1;
            for (int i = 0; i < g.getFormatContext().nb_streams(); i++) {
                AVCodecParameters p = g.getFormatContext().streams(i).codecpar();
                if (p.codec_type() == avutil.AVMEDIA_TYPE_VIDEO) {
                    profile = p.profile();
                    level = p.level();
                } else if (p.codec_type() == avutil.AVMEDIA_TYPE_AUDIO) {
                    audioProfile = p.profile();
                }
            }
            boolean hasVideo = g.hasVideo();
            boolean hasAudio = g.hasAudio();
            int videoCodec = g.getVideoCodec();
            int audioCodec = g.getAudioCodec();
            Frame f;
            while ((f = g.grab()) != null) {
                if (f.image != null) {
                    videoTimes.add(f.timestamp);
                    brightness.add(((ByteBuffer) f.image[0]).get(0) & 0xff);
                } else if (f.samples != null) {
                    audioTimes.add(f.timestamp);
                    samples += f.samples[0].limit() / (f.samples.length == 1 ? f.audioChannels : 1);
                }
            }
            return new Readback(hasVideo, hasAudio, videoCodec, audioCodec, profile, level, audioProfile,
                    videoTimes, audioTimes, brightness, samples);
        } finally {
            g.stop();
            g.release();
        }
    }

    private static void awaitEnded(String room) throws InterruptedException {
        String master = httpUrl(server, "/live/" + room + "/master.m3u8");
        await(TIMEOUT, "room " + room + " to go offline and its playlists to end", () -> {
            if (server.rooms().isLive(room)) {
                return false;
            }
            TestSupport.Response m = get(master);
            return m.status() == 200 && TestSupport.mediaPlaylists(master, m.body()).stream()
                    .allMatch(u -> get(u).body().contains("#EXT-X-ENDLIST"));
        });
    }

    private static void assertMonotonic(List<Long> times, String what) {
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i)).as("%s timestamp %d after %d", what, i, times.get(i - 1)).isGreaterThan(times.get(i - 1));
        }
    }

    @Test
    void publishedStreamPlaysBackThroughHlsWithBothTracks() throws Exception {
        int sent = SyntheticPublisher.publish(rtmpUrl(server, "e2e-stream-key-0123"), 300, 60, false, new AtomicBoolean());
        awaitEnded("e2e");

        String masterUrl = httpUrl(server, "/live/e2e/master.m3u8");
        TestSupport.Response master = get(masterUrl);
        assertThat(master.contentType()).startsWith("application/vnd.apple.mpegurl");
        Readback r = read(masterUrl);

        assertThat(r.video()).as("video track").isTrue();
        assertThat(r.audio()).as("audio track").isTrue();
        assertThat(r.videoCodec()).isEqualTo(avcodec.AV_CODEC_ID_H264);
        assertThat(r.audioCodec()).isEqualTo(avcodec.AV_CODEC_ID_AAC);
        assertThat((double) r.videoTimes().size()).as("video frames read of %d sent", sent).isCloseTo(sent, within(sent * 0.05));
        double sentSamples = (double) sent / SyntheticPublisher.FPS * SyntheticPublisher.SAMPLE_RATE;
        assertThat((double) r.audioSamples()).as("audio samples per channel").isCloseTo(sentSamples, within(sentSamples * 0.05));
        assertMonotonic(r.videoTimes(), "video");
        assertMonotonic(r.audioTimes(), "audio");

        // CODECS names what is in the stream: avc1.PPCCLL from the SPS, mp4a.40.OT from the AudioSpecificConfig.
        Matcher codecs = Pattern.compile("CODECS=\"([^\"]+)\"").matcher(master.body());
        assertThat(codecs.find()).as("CODECS in %s", master.body()).isTrue();
        String avc = String.format(Locale.ROOT, "avc1\\.%02x[0-9a-f]{2}%02x", r.profile(), r.level());
        assertThat(codecs.group(1).toLowerCase(Locale.ROOT)).containsPattern(avc);
        assertThat(master.body()).contains("mp4a.40." + (r.audioProfile() + 1)).contains("RESOLUTION=320x240");

        for (String playlist : TestSupport.mediaPlaylists(masterUrl, master.body())) {
            String media = get(playlist).body();
            Matcher t = Pattern.compile("#EXT-X-TARGETDURATION:(\\d+)").matcher(media);
            assertThat(t.find()).as("target duration in %s", playlist).isTrue();
            int target = Integer.parseInt(t.group(1));
            assertThat(target).as("target duration of %s", playlist).isBetween(2, 3);
            Matcher d = Pattern.compile("#EXTINF:([0-9.]+)").matcher(media);
            List<Double> durations = new ArrayList<>();
            while (d.find()) {
                durations.add(Double.parseDouble(d.group(1)));
            }
            assertThat(durations).as("segments of %s", playlist).hasSizeGreaterThanOrEqualTo(4);
            assertThat(durations).allSatisfy(x -> assertThat(Math.round(x)).isLessThanOrEqualTo(target));
            assertThat(durations.subList(0, durations.size() - 1)).as("full segments of %s", playlist)
                    .allSatisfy(x -> assertThat(x).isBetween(1.5, 2.6));
        }
    }

    @Test
    void publisherThatLeavesAndComesBackKeepsTheRoomPlayable() throws Exception {
        int first = SyntheticPublisher.publish(rtmpUrl(server, "again-stream-key-0123"), 150, 40, false, new AtomicBoolean());
        awaitEnded("again");
        assertThat(get(httpUrl(server, "/api/rooms/again")).body()).contains("\"live\":false");

        String masterUrl = httpUrl(server, "/live/again/master.m3u8");
        CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> {
            try {
                return SyntheticPublisher.publish(rtmpUrl(server, "again-stream-key-0123"), 150, 200, true, new AtomicBoolean());
            } catch (FFmpegFrameRecorder.Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await(TIMEOUT, "the returning publisher's segments to be listed without an end", () -> {
            TestSupport.Response m = get(masterUrl);
            if (m.status() != 200 || !server.rooms().isLive("again")) {
                return false;
            }
            String video = get(TestSupport.mediaPlaylists(masterUrl, m.body()).get(0)).body();
            return !video.contains("#EXT-X-ENDLIST") && video.contains("#EXT-X-DISCONTINUITY");
        });
        int secondSent = second.get(60, TimeUnit.SECONDS);
        awaitEnded("again");

        Readback r = read(masterUrl);
        assertThat(r.video()).isTrue();
        assertThat(r.audio()).isTrue();
        assertThat((double) r.dark()).as("frames of the first publisher").isCloseTo(first, within(first * 0.05));
        assertThat((double) r.bright()).as("frames of the returning publisher").isCloseTo(secondSent, within(secondSent * 0.05));
    }

    @Test
    void wrongKeyIsRefusedAndAGoodPublisherRightAfterWorks() throws Exception {
        long start = System.nanoTime();
        assertThatThrownBy(() -> SyntheticPublisher.publish(rtmpUrl(server, "not-a-key"), 30, 100, false, new AtomicBoolean()))
                .isInstanceOf(FFmpegFrameRecorder.Exception.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time to refuse").isLessThan(Duration.ofSeconds(10));
        assertThat(server.rooms().liveRooms()).doesNotContain("keytest");

        int sent = SyntheticPublisher.publish(rtmpUrl(server, "keytest-stream-key-0123"), 120, 100, false, new AtomicBoolean());
        awaitEnded("keytest");
        Readback r = read(httpUrl(server, "/live/keytest/master.m3u8"));
        assertThat((double) r.videoTimes().size()).isCloseTo(sent, within(sent * 0.05));
    }
}
