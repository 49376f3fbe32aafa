package dev.amphi.hls.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlaylistQueryTest {

    @Test
    void everyUriOfAPlaylistCarriesTheQueryAndNothingElseChanges() {
        String master = """
                #EXTM3U
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="audio",DEFAULT=YES,URI="audio/index.m3u8"
                #EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.42c01e,mp4a.40.2",AUDIO="aac"
                360p/index.m3u8
                """;
        assertThat(OriginRoutes.withQuery(master, "e=1&s=abc")).isEqualTo("""
                #EXTM3U
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="audio",DEFAULT=YES,URI="audio/index.m3u8?e=1&s=abc"
                #EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.42c01e,mp4a.40.2",AUDIO="aac"
                360p/index.m3u8?e=1&s=abc
                """);
        String media = "#EXTM3U\n#EXT-X-MAP:URI=\"init-1.mp4\"\n#EXTINF:2.000,\nseg-1.m4s?x=1\n\n#EXT-X-ENDLIST\n";
        assertThat(OriginRoutes.withQuery(media, "e=1&s=abc"))
                .isEqualTo("#EXTM3U\n#EXT-X-MAP:URI=\"init-1.mp4?e=1&s=abc\"\n#EXTINF:2.000,\nseg-1.m4s?x=1&e=1&s=abc\n\n#EXT-X-ENDLIST\n");
    }
}
