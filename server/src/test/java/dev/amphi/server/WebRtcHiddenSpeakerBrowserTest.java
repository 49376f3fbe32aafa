package dev.amphi.server;

import static dev.amphi.server.TestSupport.await;
import static dev.amphi.server.TestSupport.httpUrl;
import static dev.amphi.server.WebRtcBrowsers.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.ingest.webrtc.transport.PeerSession;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebDriver;

/**
 * A real browser as a speaker whose tile the layout hides: Chromium's encoder follows the server's
 * REMB down to a trickle while the speaker layout leaves it off its strip (seven demo speakers fill
 * it), and back up once the host switches to the gallery, where it is shown.
 */
class WebRtcHiddenSpeakerBrowserTest {

    private static final String KEY = "hidden-room-key-0123";

    @TempDir
    static Path dir;
    static AmphiServer server;
    static WebRtcBrowsers browsers;
    static WebDriver eighth;

    @BeforeAll
    static void start() throws Exception {
        WebRtcBrowsers.fixture(dir, "testsrc2=s=640x360:r=30", "camera.y4m");
        WebRtcBrowsers.fixture(dir, "sine=frequency=440:sample_rate=48000", "tone440.wav");
        server = TestSupport.start(dir.resolve("data"), "--room-mode", "composite", "--room", "panel=" + KEY,
                "--room-setting", "panel.demo=7", "--room-setting", "panel.layout=speaker",
                "--canvas", "640x360", "--ladder", "360p:640x360:800k", "--preset", "ultrafast");
        browsers = new WebRtcBrowsers(server, dir, "panel", KEY);
        eighth = browsers.speaker("Eighth", "camera.y4m", "tone440.wav");
    }

    @AfterAll
    static void stop() {
        WebRtcBrowsers.closeAll(browsers, server);
    }

    /** The bitrate Chromium's encoder aims at for the camera (outbound-rtp targetBitrate), bits/s; -1 before it has one. */
    private static long targetBitrate() {
        Object r = ((org.openqa.selenium.JavascriptExecutor) eighth).executeAsyncScript("""
                var done = arguments[arguments.length - 1], pc = window.amphiJoin.pc, t = -1;
                if (!pc) { done(t); return; }
                pc.getStats().then(function (report) {
                  report.forEach(function (s) {
                    if (s.type === 'outbound-rtp' && s.kind === 'video' && typeof s.targetBitrate === 'number') t = s.targetBitrate;
                  });
                  done(t);
                }, function () { done(t); });
                """);
        return ((Number) r).longValue();
    }

    @Test
    void theBrowsersEncoderFollowsTheTileOutOfThePictureAndBack() throws Exception {
        await(TIMEOUT, "the hidden speaker's encoder at 150 kbit/s or less", () -> {
            long t = targetBitrate();
            return t > 0 && t <= PeerSession.HIDDEN_VIDEO_BPS;
        });

        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(httpUrl(server,
                "/api/rooms/panel/layout"))).timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"layout\":\"gallery\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(204);
        // the room's REMB for a 640x360 canvas is its floor, 300 kbit/s, of which Chromium gives the camera's
        // encoder about 220 (the rest: audio, packet overhead): it climbs there within seconds
        await(TIMEOUT, "the shown speaker's encoder well above the hidden rate",
                () -> targetBitrate() > PeerSession.HIDDEN_VIDEO_BPS * 13 / 10);
    }
}
