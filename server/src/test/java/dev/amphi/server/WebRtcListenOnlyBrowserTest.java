package dev.amphi.server;

import static dev.amphi.server.TestSupport.await;
import static dev.amphi.server.WebRtcBrowsers.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebDriver;

/**
 * An RTMP speaker (the ffmpeg CLI publishing a green picture and a 440 Hz tone as {@code KEY?name=Ada},
 * as OBS would) follows the room in real time on the speaker page in listen-only mode, saying they
 * are Ada: they see the program (Ada's tile) and hear the Chromium speaker's 1320 Hz tone but
 * not their own.
 */
class WebRtcListenOnlyBrowserTest {

    private static final String KEY = "listen-room-key-0123";
    private static final int GREEN = 0x00ff00;

    @TempDir
    static Path dir;
    static AmphiServer server;
    static WebRtcBrowsers browsers;
    static Process ada;

    @BeforeAll
    static void start() throws Exception {
        WebRtcBrowsers.fixture(dir, "color=c=blue:s=320x240:r=30", "blue.y4m");
        WebRtcBrowsers.fixture(dir, "color=c=black:s=320x240:r=30", "black.y4m");
        WebRtcBrowsers.fixture(dir, "sine=frequency=1320:sample_rate=48000", "tone1320.wav");
        WebRtcBrowsers.fixture(dir, "anullsrc=r=48000:cl=mono", "silence.wav");
        server = WebRtcBrowsers.compositeRoom(dir, "listen", KEY, "1s");
        browsers = new WebRtcBrowsers(server, dir, "listen", KEY);
        ada = new ProcessBuilder("ffmpeg", "-v", "error", "-re", "-f", "lavfi", "-i", "color=c=0x00ff00:s=320x240:r=30",
                "-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-c:v", "libx264", "-preset", "ultrafast",
                "-tune", "zerolatency", "-g", "30", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ar", "48000", "-b:a", "96k",
                "-f", "flv", TestSupport.rtmpUrl(server, KEY) + "?name=Ada")
                .redirectErrorStream(true).redirectOutput(dir.resolve("ada.log").toFile()).start();
        await(TIMEOUT, "Ada (RTMP) is in the program", () -> browsers.program().program()
                .map(p -> p.speakers().contains("ada")).orElse(false));
    }

    @AfterAll
    static void stop() {
        if (browsers != null) {
            browsers.close();
        }
        if (ada != null) {
            ada.destroy();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anRtmpSpeakerListeningAsThemselfHearsTheOthersButNotThemself() throws Exception {
        browsers.speaker("Blue", "blue.y4m", "tone1320.wav");
        WebDriver listener = browsers.open("Ada-listens", "black.y4m", "silence.wav");
        WebRtcBrowsers.join(listener, "Ada", KEY, true);

        assertThat((String) Chromium.js(listener, "return document.body.dataset.mode;")).isEqualTo("listen");
        await(TIMEOUT, "the listener sees the program with Ada's tile", () -> WebRtcBrowsers.sees(listener, GREEN, 1));
        long decoded = WebRtcBrowsers.stat(listener, "inbound-rtp.framesDecoded");
        await(TIMEOUT, "the listener's program video keeps playing",
                () -> WebRtcBrowsers.stat(listener, "inbound-rtp.framesDecoded") >= decoded + 30);
        await(TIMEOUT, "Ada hears Blue (1320 Hz) and not herself (440 Hz)", () -> {
            List<Double> l = WebRtcBrowsers.heard(listener, 440, 1320);
            return l.get(1) > -85 && l.get(0) < l.get(1) - 30;
        });
        WebRtcSpeakers.Call call = server.webrtc().calls().stream().filter(c -> c.speaker == null).findFirst().orElseThrow();
        assertThat(call.speakerId).as("the listener is known as the speaker ada").isEqualTo("ada");
        assertThat(browsers.program().program().orElseThrow().speakers()).as("listening adds no speaker")
                .containsExactlyInAnyOrder("ada", "blue");
        assertThat(browsers.program().program().orElseThrow().speakers()).hasSize(2);
    }
}
