package dev.amphi.hls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real H.264 with B-frames and AAC go through the origin and come back out of FFmpeg's own HLS
 * demuxer, reading the master playlist over HTTP.
 */
class HlsPlaybackTest {

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
    void ffmpegPlaysBothTracksOfAPublishedStream() throws Exception {
        List<MediaPacket> packets = EncodedStream.packets();
        MediaSink sink = origin.sink("t");
        packets.forEach(sink::onPacket);
        assertThat(origin.liveStreams()).containsExactly("t");
        sink.onEnd();
        assertThat(origin.liveStreams()).isEmpty();

        String master = get("/live/t/master.m3u8");
        assertThat(master).containsPattern("CODECS=\"avc1\\.64[0-9a-f]{4},mp4a\\.40\\.2\"")
                .contains("RESOLUTION=320x240", "AUDIO=\"audio\"", "#EXT-X-MEDIA:TYPE=AUDIO")
                .containsPattern("FRAME-RATE=(29\\.[89]|30\\.[01])\\d*");
        String videoPlaylist = get("/live/t/video/index.m3u8");
        assertThat(videoPlaylist).contains("#EXT-X-ENDLIST", "#EXT-X-MAP:URI=");
        int target = targetDuration(videoPlaylist);
        for (double d : durations(videoPlaylist)) {
            assertThat(d).isLessThanOrEqualTo(target + 1.0 / EncodedStream.FPS);
        }
        String audioPlaylist = get("/live/t/audio/index.m3u8");
        assertThat(targetDuration(audioPlaylist)).as("audio cut with the video keeps its target").isEqualTo(target);
        for (double d : durations(audioPlaylist)) {
            assertThat(d).isLessThanOrEqualTo(target + 0.05);
            assertThat(Math.round(d)).as("RFC 8216: rounded EXTINF within the target").isLessThanOrEqualTo(target);
        }

        Playback p = play(base + "/live/t/master.m3u8");
        assertThat(p.width).isEqualTo(EncodedStream.WIDTH);
        assertThat(p.audioChannels).isEqualTo(2);
        assertThat(p.audioFrames).isGreaterThan(0);
        long sent = EncodedStream.videoCount(packets);
        assertThat((double) p.videoFrames).isBetween(sent * 0.95, sent * 1.05);
        assertThat(p.monotonic).as("video timestamps increase").isTrue();
    }

    @Test
    void ffmpegPlaysAcrossAPublisherRestartMarkedAsDiscontinuity() throws Exception {
        List<MediaPacket> packets = EncodedStream.packets();
        List<MediaPacket> firstHalf = packets.subList(0, packets.size() / 2);
        MediaSink sink = origin.sink("r");
        firstHalf.forEach(sink::onPacket);
        sink.onEnd();
        assertThat(get("/live/r/video/index.m3u8")).contains("#EXT-X-ENDLIST");
        packets.forEach(sink::onPacket); // the publisher is back: timestamps restart at zero
        String live = get("/live/r/video/index.m3u8");
        assertThat(live).doesNotContain("#EXT-X-ENDLIST").contains("#EXT-X-DISCONTINUITY\n");
        sink.onEnd();

        Playback p = play(base + "/live/r/master.m3u8");
        long sent = EncodedStream.videoCount(firstHalf) + EncodedStream.videoCount(packets);
        assertThat((double) p.videoFrames).isBetween(sent * 0.95, sent * 1.05);
        assertThat(p.monotonic).isTrue();
    }

    @Test
    void aSingleSegmentWithItsInitSegmentIsDecodable(@TempDir Path dir) throws Exception {
        List<MediaPacket> packets = EncodedStream.packets();
        MediaSink sink = origin.sink("s");
        packets.forEach(sink::onPacket);
        String playlist = get("/live/s/video/index.m3u8");
        Matcher init = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"").matcher(playlist);
        assertThat(init.find()).isTrue();
        Matcher seg = Pattern.compile("\n(seg-[^\n]+\\.m4s)\n").matcher(playlist);
        assertThat(seg.find()).isTrue();
        seg.find(); // the second segment: its decode time does not start at zero
        Path file = dir.resolve("one.mp4");
        Files.write(file, concat(getBytes("/live/s/video/" + init.group(1)), getBytes("/live/s/video/" + seg.group(1))));
        Playback p = play(file.toString());
        assertThat(p.width).isEqualTo(EncodedStream.WIDTH);
        assertThat(p.videoFrames).isEqualTo(2 * EncodedStream.FPS);
        assertThat(p.firstIsKey).isTrue();
    }

    private record Playback(int width, int audioChannels, long videoFrames, long audioFrames, boolean monotonic,
                            boolean firstIsKey) { }

    private static Playback play(String url) throws Exception {
        org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(url);
        long video = 0;
        long audio = 0;
        boolean monotonic = true;
        boolean firstIsKey = false;
        long last = Long.MIN_VALUE;
        try {
            g.setOption("rw_timeout", "10000000");
            g.start();
            int width = g.getImageWidth();
            int channels = g.getAudioChannels();
            Frame f;
            while ((f = g.grab()) != null) {
                if (f.image != null) {
                    if (video == 0) {
                        firstIsKey = f.keyFrame;
                    }
                    video++;
                    monotonic &= f.timestamp > last;
                    last = f.timestamp;
                } else if (f.samples != null) {
                    audio++;
                }
            }
            g.stop();
            return new Playback(width, channels, video, audio, monotonic, firstIsKey);
        } finally {
            g.release();
        }
    }

    private static List<Double> durations(String playlist) {
        List<Double> out = new ArrayList<>();
        Matcher m = Pattern.compile("#EXTINF:([0-9.]+),").matcher(playlist);
        while (m.find()) {
            out.add(Double.parseDouble(m.group(1)));
        }
        assertThat(out).isNotEmpty();
        return out;
    }

    private static int targetDuration(String playlist) {
        Matcher m = Pattern.compile("#EXT-X-TARGETDURATION:(\\d+)").matcher(playlist);
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private String get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET " + path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    private byte[] getBytes(String path) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
