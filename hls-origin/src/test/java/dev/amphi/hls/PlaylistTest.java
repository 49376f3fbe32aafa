package dev.amphi.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.hls.http.ObjectResolver.Lookup;
import dev.amphi.media.MediaSink;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The playlists a player reads, as a stream goes live, slides, stops and comes back. */
class PlaylistTest {

    private static final Instant T0 = Instant.parse("2026-03-04T05:06:07Z");
    private final LiveOrigin origin = (LiveOrigin) HlsOrigin.builder().windowSize(3)
            .clock(Clock.fixed(T0, ZoneOffset.UTC)).build();

    @AfterEach
    void close() {
        origin.close();
    }

    private String text(String stream, String path) {
        Lookup l = origin.lookup(stream, path);
        assertThat(l.object()).as(path + ": " + l.notFound()).isNotNull();
        return l.object().body().toString(StandardCharsets.UTF_8);
    }

    private static int count(String text, String tag) {
        Matcher m = Pattern.compile(Pattern.quote(tag)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void masterIsMissingUntilTheFirstSegmentsExist() {
        MediaSink sink = origin.sink("t");
        Synthetic.stream(1.5, 60, 0, true, true).forEach(sink::onPacket);
        assertThat(origin.liveStreams()).containsExactly("t");
        assertThat(origin.lookup("t", "master.m3u8").notFound()).isEqualTo("stream t is not live yet");
        assertThat(origin.lookup("nobody", "master.m3u8").notFound()).isEqualTo("stream nobody is not live yet");
    }

    @Test
    void masterListsVideoWithItsAudioGroup() {
        MediaSink sink = origin.sink("t");
        Synthetic.stream(5, 60, 0, true, true).forEach(sink::onPacket);
        String master = text("t", "master.m3u8");
        assertThat(master).startsWith("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n")
                .contains("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",NAME=\"audio\",DEFAULT=YES,AUTOSELECT=YES,"
                        + "CHANNELS=\"2\",URI=\"audio/index.m3u8\"\n")
                .containsPattern("#EXT-X-STREAM-INF:BANDWIDTH=\\d+,AVERAGE-BANDWIDTH=\\d+,"
                        + "CODECS=\"avc1.64000d,mp4a.40.2\",RESOLUTION=320x240,FRAME-RATE=30.000,AUDIO=\"audio\"\n"
                        + "video/index.m3u8\n");
        Matcher bw = Pattern.compile("BANDWIDTH=(\\d+),AVERAGE-BANDWIDTH=(\\d+)").matcher(master);
        assertThat(bw.find()).isTrue();
        long peak = Long.parseLong(bw.group(1));
        long average = Long.parseLong(bw.group(2));
        assertThat(peak).isGreaterThanOrEqualTo(average);
        // video: 3000 B + 59 x 500 B per 2 s (130 kbit/s), audio 200 B per AAC frame (69 kbit/s), plus boxes
        assertThat(average).isBetween(190_000L, 215_000L);
    }

    @Test
    void audioOnlyStreamListsJustTheAudioRendition() {
        MediaSink sink = origin.sink("radio");
        Synthetic.stream(5, 60, 0, false, true).forEach(sink::onPacket);
        String master = text("radio", "master.m3u8");
        assertThat(master).doesNotContain("EXT-X-MEDIA", "RESOLUTION", "video/")
                .contains("CODECS=\"mp4a.40.2\"\naudio/index.m3u8\n");
    }

    @Test
    void mediaPlaylistSlidesItsWindowWithTagsPlayersNeed() {
        MediaSink sink = origin.sink("t");
        Synthetic.stream(13, 60, 0, true, true).forEach(sink::onPacket);
        String video = text("t", "video/index.m3u8");
        assertThat(video).startsWith("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:3\n"
                + "#EXT-X-DISCONTINUITY-SEQUENCE:0\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI=\"init-");
        assertThat(count(video, "#EXTINF:2.000,\n")).isEqualTo(3);
        assertThat(count(video, "#EXT-X-PROGRAM-DATE-TIME:")).isEqualTo(3);
        assertThat(video).contains("#EXT-X-PROGRAM-DATE-TIME:2026-03-04T05:06:13.000Z\n#EXTINF:2.000,\nseg-")
                .contains("#EXT-X-PROGRAM-DATE-TIME:2026-03-04T05:06:17.000Z\n")
                .doesNotContain("#EXT-X-ENDLIST");
        assertThat(text("t", "audio/index.m3u8")).contains("#EXT-X-MEDIA-SEQUENCE:3\n");
    }

    @Test
    void endingFlushesAndEndsTheListThenResumingMarksADiscontinuity() {
        MediaSink sink = origin.sink("t");
        Synthetic.stream(5, 60, 0, true, true).forEach(sink::onPacket);
        sink.onEnd();
        assertThat(origin.liveStreams()).isEmpty();
        String ended = text("t", "video/index.m3u8");
        assertThat(ended).endsWith("#EXTINF:1.000,\n" + lastUri(ended) + "\n#EXT-X-ENDLIST\n");
        assertThat(text("t", "audio/index.m3u8")).endsWith("#EXT-X-ENDLIST\n");

        Synthetic.stream(2.5, 60, 0, true, true).forEach(sink::onPacket);
        String resumed = text("t", "video/index.m3u8");
        assertThat(resumed).doesNotContain("#EXT-X-ENDLIST")
                .contains("#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:");
        assertThat(count(resumed, "#EXT-X-DISCONTINUITY\n")).isEqualTo(1);

        Synthetic.stream(8, 60, 225_000, true, true).forEach(sink::onPacket); // same session goes on
        String slid = text("t", "video/index.m3u8");
        assertThat(slid).contains("#EXT-X-DISCONTINUITY-SEQUENCE:1\n").doesNotContain("#EXT-X-DISCONTINUITY\n");
    }

    private static String lastUri(String playlist) {
        String[] lines = playlist.split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (lines[i].startsWith("seg-")) {
                return lines[i];
            }
        }
        throw new AssertionError("no segment in " + playlist);
    }

    @Test
    void newEncoderSettingsGetANewInitSegmentAfterADiscontinuity() {
        MediaSink sink = origin.sink("t");
        Synthetic.stream(4, 60, 0, true, false).forEach(sink::onPacket);
        byte[] record = Synthetic.AVC.record();
        record[record.length - 5] ^= 1; // another PPS: a different configuration
        dev.amphi.media.AvcConfig other = dev.amphi.media.AvcConfig.parse(record);
        Synthetic.stream(4, 60, 360_000, true, false).stream()
                .map(p -> new dev.amphi.media.MediaPacket(p.kind(), other, p.dts(), p.compositionOffset(), p.keyframe(),
                        p.data()))
                .forEach(sink::onPacket);
        String video = text("t", "video/index.m3u8");
        Matcher maps = Pattern.compile("#EXT-X-MAP:URI=\"(init-[0-9a-z]+-(\\d)\\.mp4)\"").matcher(video);
        assertThat(maps.find()).isTrue();
        assertThat(maps.group(2)).isEqualTo("1");
        assertThat(maps.find()).isTrue();
        assertThat(maps.group(2)).isEqualTo("2");
        assertThat(video).contains("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"" + maps.group(1));
        assertThat(origin.lookup("t", "video/" + maps.group(1)).object()).isNotNull();
    }

    @Test
    void builderNamesBadValues() {
        assertThatThrownBy(() -> HlsOrigin.builder().windowSize(0)).hasMessageContaining("was 0");
        assertThatThrownBy(() -> HlsOrigin.builder().targetDuration(Duration.ofMillis(5))).hasMessageContaining("PT0.005S");
        assertThatThrownBy(() -> HlsOrigin.builder().maxStoreBytes(-1)).hasMessageContaining("was -1");
        assertThatThrownBy(() -> HlsOrigin.builder().retention(Duration.ZERO)).hasMessageContaining("retention")
                .hasMessageContaining("PT0S");
        assertThatThrownBy(() -> origin.sink("../etc")).hasMessageContaining("'../etc'");
    }
}
