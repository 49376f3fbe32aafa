package dev.amphi.hls.playlist;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The text of a media playlist, entry by entry, as the window slides. */
class MediaPlaylistTest {

    private static final Instant T0 = Instant.parse("2026-03-04T05:06:07.250Z");

    private static String extinf(long duration, int timescale) {
        StringBuilder sb = new StringBuilder();
        MediaPlaylist.appendMillis(sb, duration, timescale);
        return sb.toString();
    }

    @Test
    void durationsHaveThreeDecimalsRoundedHalfUp() {
        assertThat(extinf(180_000, 90_000)).isEqualTo("2.000");
        assertThat(extinf(94 * 1024, 48_000)).isEqualTo("2.005");      // 2.00533 s of AAC frames
        assertThat(extinf(180_180, 90_000)).isEqualTo("2.002");        // 60 frames at 29.97 fps
        assertThat(extinf(20_005, 10_000)).isEqualTo("2.001");         // exactly half a millisecond: up
        assertThat(extinf(20_004, 10_000)).isEqualTo("2.000");
        assertThat(extinf(9, 1_000)).isEqualTo("0.009");
        assertThat(extinf(99, 1_000)).isEqualTo("0.099");
        assertThat(extinf(0, 90_000)).isEqualTo("0.000");
        assertThat(extinf(1_079_999_910L, 90_000)).isEqualTo("11999.999");
        assertThat(extinf(1_079_999_955L, 90_000)).isEqualTo("12000.000");
    }

    @Test
    void renderedEntriesFollowTheWindowWithTheirOwnDatesAndDurations() {
        MediaPlaylist p = new MediaPlaylist(2);
        p.add("seg-0.m4s", 180_000, 90_000, false, T0, "init-0.mp4", 10);
        p.add("seg-1.m4s", 90_090, 90_000, false, T0.plusSeconds(2), "init-0.mp4", 10);
        assertThat(p.add("seg-2.m4s", 94 * 1024, 48_000, true, T0.plusMillis(3001), "init-1.mp4", 10))
                .extracting(MediaPlaylist.Entry::uri).containsExactly("seg-0.m4s");
        assertThat(p.render()).isEqualTo("""
                #EXTM3U
                #EXT-X-VERSION:7
                #EXT-X-TARGETDURATION:2
                #EXT-X-MEDIA-SEQUENCE:1
                #EXT-X-DISCONTINUITY-SEQUENCE:0
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-MAP:URI="init-0.mp4"
                #EXT-X-PROGRAM-DATE-TIME:2026-03-04T05:06:09.250Z
                #EXTINF:1.001,
                seg-1.m4s
                #EXT-X-DISCONTINUITY
                #EXT-X-MAP:URI="init-1.mp4"
                #EXT-X-PROGRAM-DATE-TIME:2026-03-04T05:06:10.251Z
                #EXTINF:2.005,
                seg-2.m4s
                """);
        p.add("seg-3.m4s", 180_000, 90_000, false, T0.plusSeconds(5), "init-1.mp4", 10);
        p.end();
        assertThat(p.render()).isEqualTo("""
                #EXTM3U
                #EXT-X-VERSION:7
                #EXT-X-TARGETDURATION:2
                #EXT-X-MEDIA-SEQUENCE:2
                #EXT-X-DISCONTINUITY-SEQUENCE:0
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-DISCONTINUITY
                #EXT-X-MAP:URI="init-1.mp4"
                #EXT-X-PROGRAM-DATE-TIME:2026-03-04T05:06:10.251Z
                #EXTINF:2.005,
                seg-2.m4s
                #EXT-X-PROGRAM-DATE-TIME:2026-03-04T05:06:12.250Z
                #EXTINF:2.000,
                seg-3.m4s
                #EXT-X-ENDLIST
                """);
    }
}
