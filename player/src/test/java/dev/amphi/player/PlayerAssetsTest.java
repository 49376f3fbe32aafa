package dev.amphi.player;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The player's files as the server sees them: on the classpath under {@code amphi-player/}. */
class PlayerAssetsTest {

    private static String resource(String name) throws IOException {
        try (InputStream in = PlayerAssetsTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as("classpath resource %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> listed() throws IOException {
        return resource("amphi-player/assets.txt").lines()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    @Test
    void assetListNamesExactlyTheFilesShipped() throws IOException {
        Path dir = Path.of("src/main/resources/amphi-player");
        try (Stream<Path> files = Files.list(dir)) {
            List<String> shipped = files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("assets.txt")).toList();
            assertThat(listed()).containsExactlyInAnyOrderElementsOf(shipped);
        }
        for (String name : listed()) {
            assertThat(resource("amphi-player/" + name)).isNotBlank();
        }
    }

    @Test
    void pagesReferenceOnlyFilesThatAreServed() throws IOException {
        Pattern ref = Pattern.compile("(?:src|href)=\"(/[^\"]*)\"");
        for (String page : List.of("index.html", "watch.html", "join.html", "host.html")) {
            Matcher m = ref.matcher(resource("amphi-player/" + page));
            while (m.find()) {
                String path = m.group(1);
                if (path.equals("/")) {
                    continue;
                }
                if (path.startsWith("/player/")) {
                    assertThat(listed()).as("%s references %s", page, path).contains(path.substring("/player/".length()));
                } else {
                    assertThat(path).as("%s references %s", page, path).startsWith("/webjars/");
                    URL url = getClass().getClassLoader().getResource("META-INF/resources" + path);
                    assertThat(url).as("webjar file for %s", path).isNotNull();
                }
            }
        }
    }

    @Test
    void watchPageUsesHlsJsWithNativeFallbackAndMutedAutoplay() throws IOException {
        String page = resource("amphi-player/watch.html");
        String js = resource("amphi-player/watch.js");
        assertThat(page).contains("<script src=\"{{hls.js}}\"></script>").contains("autoplay muted playsinline");
        // the server replaces {{hls.js}} with the webjar's versioned path, read from its pom.properties
        java.util.Properties webjar = new java.util.Properties();
        webjar.load(new java.io.StringReader(resource("META-INF/maven/org.webjars.npm/hls.js/pom.properties")));
        assertThat(getClass().getClassLoader().getResource(
                "META-INF/resources/webjars/hls.js/" + webjar.getProperty("version") + "/dist/hls.min.js")).isNotNull();
        assertThat(js).contains("Hls.isSupported()")
                .contains("canPlayType('application/vnd.apple.mpegurl')")
                .contains("'/live/' + encodeURIComponent(room) + '/master.m3u8'")
                .contains("not live yet")
                .contains("Reconnecting");
    }
}
