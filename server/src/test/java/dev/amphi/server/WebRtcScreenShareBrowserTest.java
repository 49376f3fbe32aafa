package dev.amphi.server;

import static dev.amphi.server.TestSupport.await;
import static dev.amphi.server.WebRtcBrowsers.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.core.room.LayoutChoice;
import dev.amphi.transcode.layout.Layout;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * A Chromium speaker shares the screen from the speaker page: a second WHIP session named
 * "Red (screen)" joins the room as a source of its own, and the room switches to the presentation
 * layout with that source large while the share lasts; when it ends, the room goes back to its
 * layout from before, unless the host chose another one meanwhile.
 */
class WebRtcScreenShareBrowserTest {

    private static final String KEY = "share-room-key-0123";
    private static final int RED = 0xff0000;

    @TempDir
    static Path dir;
    static AmphiServer server;
    static WebRtcBrowsers browsers;
    static WebDriver red;

    @BeforeAll
    static void start() throws Exception {
        WebRtcBrowsers.fixture(dir, "color=c=red:s=320x240:r=30", "red.y4m");
        WebRtcBrowsers.fixture(dir, "sine=frequency=440:sample_rate=48000", "tone440.wav");
        server = WebRtcBrowsers.compositeRoom(dir, "share", KEY, "1s");
        browsers = new WebRtcBrowsers(server, dir, "share", KEY);
        red = browsers.speaker("Red", "red.y4m", "tone440.wav", "--auto-select-desktop-capture-source=Entire screen");
        await(TIMEOUT, "Red sees the program back", () -> WebRtcBrowsers.sees(red, RED, 1));
    }

    @AfterEach
    void gallery() {
        browsers.program().layout(LayoutChoice.gallery(1));
    }

    @AfterAll
    static void stop() {
        WebRtcBrowsers.closeAll(browsers, server);
    }

    private static Layout programLayout() {
        return browsers.program().program().orElseThrow().layout();
    }

    private static String share() {
        return (String) Chromium.js(red, "return document.body.dataset.share;");
    }

    /** Clicks "Share screen" and waits for the share's session; returns its speaker id. */
    private static String startSharing() throws Exception {
        red.findElement(By.id("share")).click();
        await(TIMEOUT, "the page shares the screen", () -> "on".equals(share()));
        await(TIMEOUT, "the screen joined the room", () -> server.webrtc().calls().stream()
                .anyMatch(c -> c.speaker != null && c.speakerId.contains("screen") && c.peer != null && c.peer.connected()));
        return server.webrtc().calls().stream().filter(c -> c.speaker != null && c.speakerId.contains("screen"))
                .findFirst().orElseThrow().speakerId;
    }

    private static void stopSharing() throws Exception {
        red.findElement(By.id("share")).click();
        await(TIMEOUT, "the page stopped sharing", () -> "off".equals(share()));
        await(TIMEOUT, "the screen's session is gone", () -> server.webrtc().calls().stream()
                .noneMatch(c -> c.speakerId != null && c.speakerId.contains("screen")));
    }

    @Test
    void aSharedScreenIsPresentedLargeWhileItLastsThenTheLayoutComesBack() throws Exception {
        assertThat(programLayout()).isEqualTo(new Layout.Gallery(1));
        String screen = startSharing();

        await(TIMEOUT, "the program presents the screen", () -> programLayout().equals(new Layout.Presentation(screen)));
        assertThat(browsers.program().state().layout()).contains(LayoutChoice.presentation(screen));
        assertThat(browsers.program().program().orElseThrow().speakers()).contains("red", screen);
        WebRtcSpeakers.Call call = server.webrtc().calls().stream().filter(c -> screen.equals(c.speakerId)).findFirst().orElseThrow();
        long in = call.peer.stats().packetsIn();
        await(TIMEOUT, "the screen's video reaches the room", () -> call.peer.stats().packetsIn() >= in + 100);

        stopSharing();
        await(TIMEOUT, "the gallery comes back", () -> programLayout().equals(new Layout.Gallery(1)));
    }

    @Test
    void theHostsLayoutChosenDuringAShareStaysWhenItEnds() throws Exception {
        String screen = startSharing();
        await(TIMEOUT, "the program presents the screen", () -> programLayout().equals(new Layout.Presentation(screen)));

        browsers.program().layout(LayoutChoice.speaker());
        stopSharing();
        assertThat(programLayout()).as("the host's choice stays").isEqualTo(new Layout.ActiveSpeaker());
        assertThat(browsers.program().state().layout()).contains(LayoutChoice.speaker());
    }
}
