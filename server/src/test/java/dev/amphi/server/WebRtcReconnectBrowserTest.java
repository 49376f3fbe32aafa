package dev.amphi.server;

import static dev.amphi.server.TestSupport.await;
import static dev.amphi.server.WebRtcBrowsers.TIMEOUT;
import static dev.amphi.server.WebRtcBrowsers.state;
import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.ingest.webrtc.transport.DatagramFilter.Direction;
import dev.amphi.ingest.webrtc.transport.PeerSession;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebDriver;

/**
 * A Chromium speaker whose connection breaks, by the server closing its peer or by the network
 * dropping for a few seconds: the page says it is reconnecting, comes back joined on a new WHIP
 * session under the same name, and keeps its tile (the same speaker in the same place of the
 * program); the old session is gone.
 */
class WebRtcReconnectBrowserTest {

    private static final String KEY = "again-room-key-0123";
    private static final int RED = 0xff0000;

    @TempDir
    static Path dir;
    static AmphiServer server;
    static WebRtcBrowsers browsers;
    static WebDriver red;

    @BeforeAll
    static void start() throws Exception {
        WebRtcBrowsers.fixture(dir, "color=c=red:s=320x240:r=30", "red.y4m");
        WebRtcBrowsers.fixture(dir, "color=c=blue:s=320x240:r=30", "blue.y4m");
        WebRtcBrowsers.fixture(dir, "sine=frequency=440:sample_rate=48000", "tone440.wav");
        WebRtcBrowsers.fixture(dir, "sine=frequency=1320:sample_rate=48000", "tone1320.wav");
        server = WebRtcBrowsers.compositeRoom(dir, "again", KEY, "1s");
        browsers = new WebRtcBrowsers(server, dir, "again", KEY);
        red = browsers.speaker("Red", "red.y4m", "tone440.wav");
        browsers.speaker("Blue", "blue.y4m", "tone1320.wav");
        await(TIMEOUT, "Red sees the program back", () -> WebRtcBrowsers.sees(red, RED, 1));
    }

    @AfterEach
    void heal() {
        server.webrtc().transport().filter(null);
    }

    @AfterAll
    static void stop() {
        WebRtcBrowsers.closeAll(browsers, server);
    }

    private static List<WebRtcSpeakers.Call> reds() {
        return server.webrtc().calls().stream().filter(c -> "red".equals(c.speakerId)).toList();
    }

    private static List<String> speakers() {
        return browsers.program().program().orElseThrow().speakers();
    }

    @Test
    void aSpeakerWhosePeerTheServerClosedComesBackOnTheSameTile() throws Exception {
        List<String> before = speakers();
        WebRtcSpeakers.Call old = reds().get(0);
        String location = (String) Chromium.js(red, "return window.amphiJoin.location;");

        old.peer.close();
        // the server's DTLS close_notify tells the page at once (not ICE timing out ~10 s later)
        await(java.time.Duration.ofSeconds(5), "the page says it is reconnecting", () -> "reconnecting".equals(state(red)));
        backOnTheSameTile(old, location, before);
    }

    @Test
    void aSpeakerWhoseNetworkDroppedComesBackOnTheSameTile() throws Exception {
        List<String> before = speakers();
        WebRtcSpeakers.Call old = reds().get(0);
        PeerSession peer = old.peer;
        String location = (String) Chromium.js(red, "return window.amphiJoin.location;");
        // nothing from the browsers reaches the server (Blue too) until Red's page notices
        server.webrtc().transport().filter((direction, remote, d) -> direction != Direction.INBOUND);

        await(TIMEOUT, "the page says it is reconnecting", () -> "reconnecting".equals(state(red)));
        server.webrtc().transport().filter(null);
        backOnTheSameTile(old, location, before);
        assertThat(peer.isClosed()).as("the old peer is closed").isTrue();
    }

    private static void backOnTheSameTile(WebRtcSpeakers.Call old, String location, List<String> before) throws Exception {
        await(TIMEOUT, "the page is joined again", () -> "joined".equals(state(red)));
        await(TIMEOUT, "the old session is gone and a new one under Red's name is up", () -> {
            List<WebRtcSpeakers.Call> now = reds();
            return now.size() == 1 && now.get(0) != old && now.get(0).peer != null && now.get(0).peer.connected()
                    && old.peer.isClosed();
        });
        assertThat((String) Chromium.js(red, "return window.amphiJoin.location;"))
                .as("a new WHIP session").isNotEqualTo(location).endsWith("/" + reds().get(0).id);
        assertThat(server.webrtc().end("again", old.id)).as("the old session cannot be ended: it is gone").isFalse();
        assertThat(speakers()).as("the same speakers in the same order: Red kept its tile").isEqualTo(before);
        long decoded = browsers.program().stats().orElseThrow().decodedVideo();
        await(TIMEOUT, "Red's video reaches the program again", () ->
                browsers.program().stats().orElseThrow().decodedVideo() >= decoded + 30);
        await(TIMEOUT, "Red sees the program back, with its tile", () -> WebRtcBrowsers.sees(red, RED, 1));
    }
}
