package dev.amphi.server;

import static dev.amphi.server.TestSupport.httpUrl;
import static dev.amphi.server.TestSupport.rtmpUrl;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The player in Debian's headless Chromium (driven by Selenium through Debian's chromedriver, so
 * nothing is downloaded): an offline room says so, and a room starts playing by itself when a
 * publisher begins, with {@code video.currentTime} advancing; a publisher drop shows "reconnecting"
 * and playback resumes when the publisher is back.
 */
class WatchPageBrowserTest {

    @TempDir
    static Path dataDir;
    @TempDir
    static Path profile;
    static AmphiServer server;
    /** One browser for the class: starting Chromium is the slow part on a small machine. */
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        SyntheticPublisher.warmUp();
        server = TestSupport.start(dataDir, "--lobby-key", "browser-test-key", "--room", "quiet=quiet-stream-key-0123",
                "--room", "drop=drop-stream-key-0123");
        browser = Chromium.open(profile);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void leavePage() {
        browser.get("about:blank");
    }

    private Object js(String script) {
        return Chromium.js(browser, script);
    }

    private String state() {
        return browser.findElement(By.tagName("body")).getAttribute("data-state");
    }

    private double currentTime() {
        return ((Number) js("return document.getElementById('video').currentTime;")).doubleValue();
    }

    @Test
    void offlineRoomSaysItIsNotLiveYet() {
        browser.get(httpUrl(server, "/watch/quiet"));
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(b -> "offline".equals(state()));
        assertThat(browser.findElement(By.id("overlay")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("overlay")).getText()).contains("not live yet");
    }

    @Test
    void roomStartsPlayingByItselfWhenThePublisherBegins() throws Exception {
        browser.get(httpUrl(server, "/watch/lobby"));
        assertThat(js("return MediaSource.isTypeSupported('video/mp4; codecs=\"avc1.64000d\"')"))
                .as("this Chromium decodes H.264 in MSE").isEqualTo(true);
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(b -> "offline".equals(state()));

        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Integer> publisher = publishInBackground("browser-test-key", 90, stop);
        try {
            awaitPlayingAndAdvancing("publisher started");
            assertThat(browser.findElement(By.id("overlay")).isDisplayed()).isFalse();
            new WebDriverWait(browser, Duration.ofSeconds(20)).withMessage(() -> "the page's startup report in the metrics")
                    .until(b -> TestSupport.get(httpUrl(server, "/metrics")).body().matches("(?s).*\namphi_viewer_startup_seconds_count [1-9].*"));
            assertThat(browser.findElement(By.id("unmute")).getAttribute("aria-label")).as("unmute button while muted")
                    .isEqualTo("Unmute");

            browser.get(httpUrl(server, "/"));
            new WebDriverWait(browser, Duration.ofSeconds(15)).withMessage(() -> "the room list shows the live lobby")
                    .until(b -> !b.findElements(By.cssSelector("#rooms a[href='/watch/lobby']")).isEmpty());
            assertThat(browser.findElements(By.cssSelector("#rooms a[href='/watch/quiet']"))).as("offline rooms").isEmpty();
        } finally {
            stop.set(true);
            publisher.get(30, TimeUnit.SECONDS);
        }
    }

    private CompletableFuture<Integer> publishInBackground(String key, int brightness, AtomicBoolean stop) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return SyntheticPublisher.publish(rtmpUrl(server, key), 60 * SyntheticPublisher.FPS, brightness, true, stop);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void awaitPlayingAndAdvancing(String when) {
        new WebDriverWait(browser, Duration.ofSeconds(45)).withMessage(() -> when + ": page state " + state())
                .until(b -> "playing".equals(state()) && currentTime() > 0);
        double first = currentTime();
        new WebDriverWait(browser, Duration.ofSeconds(20)).withMessage(() -> when + ": currentTime stuck near " + first)
                .until(b -> currentTime() > first + 2);
    }

    @Test
    void hlsJsSwitchesLadderLevelMidStreamWithoutAStall(@TempDir Path ladderData) throws Exception {
        AmphiServer ladder = TestSupport.start(ladderData, "--room-mode", "composite", "--demo", "2",
                "--canvas", "640x360", "--ladder", "360p:640x360:800k,180p:320x180:250k", "--preset", "ultrafast",
                "--segment-duration", "1s");
        try {
            browser.get(httpUrl(ladder, "/watch/lobby"));
            awaitPlayingAndAdvancing("composited lobby");
            assertThat(((Number) js("return window.amphiHls.levels.length;")).intValue()).as("ladder levels").isEqualTo(2);
            int from = ((Number) js("return window.amphiHls.currentLevel;")).intValue();
            int to = 1 - from;
            js("window.stalls = 0; document.getElementById('video').addEventListener('waiting', function () { window.stalls++; });"
                    + "window.amphiHls.nextLevel = " + to + ";");
            new WebDriverWait(browser, Duration.ofSeconds(20)).withMessage(() -> "hls.js to switch to level " + to)
                    .until(b -> String.valueOf(to).equals(b.findElement(By.tagName("body")).getAttribute("data-level")));
            double atSwitch = currentTime();
            new WebDriverWait(browser, Duration.ofSeconds(10)).withMessage(() -> "playback after the switch, stuck near " + atSwitch)
                    .until(b -> currentTime() > atSwitch + 3);
            assertThat(((Number) js("return window.stalls;")).intValue()).as("'waiting' events during the switch").isZero();
            long height = ((Number) js("return window.amphiHls.levels[" + to + "].height;")).longValue();
            assertThat(height).isIn(180L, 360L);
            new WebDriverWait(browser, Duration.ofSeconds(10)).withMessage(() -> "the video to show the new level's " + height + " lines")
                    .until(b -> ((Number) js("return document.getElementById('video').videoHeight;")).longValue() == height);
        } finally {
            browser.get("about:blank");
            ladder.close();
        }
    }

    @Test
    void publisherDropShowsReconnectingAndPlaybackResumes() throws Exception {
        AtomicBoolean stopFirst = new AtomicBoolean();
        CompletableFuture<Integer> first = publishInBackground("drop-stream-key-0123", 60, stopFirst);
        AtomicBoolean stopSecond = new AtomicBoolean();
        CompletableFuture<Integer> second = null;
        try {
            browser.get(httpUrl(server, "/watch/drop"));
            awaitPlayingAndAdvancing("first publisher");

            stopFirst.set(true);
            first.get(30, TimeUnit.SECONDS);
            new WebDriverWait(browser, Duration.ofSeconds(40)).withMessage(() -> "after the drop: page state " + state())
                    .until(b -> "reconnecting".equals(state()));
            assertThat(browser.findElement(By.id("overlay")).getText()).contains("Reconnecting");

            second = publishInBackground("drop-stream-key-0123", 200, stopSecond);
            awaitPlayingAndAdvancing("publisher back");
            assertThat(browser.findElement(By.id("overlay")).isDisplayed()).isFalse();
        } finally {
            stopFirst.set(true);
            stopSecond.set(true);
            first.get(30, TimeUnit.SECONDS);
            if (second != null) {
                second.get(30, TimeUnit.SECONDS);
            }
        }
    }

    private double videoWidth() {
        return ((Number) js("return document.getElementById('video').videoWidth;")).doubleValue();
    }

    private void choose(String value) {
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("quality"))).selectByValue(value);
    }

    @Test
    void aListenerChoosesAudioOnlyOrTheTooSlowConnectionFallsBackToItAndTheEmbedPlays(@TempDir Path audioData) throws Exception {
        AmphiServer room = TestSupport.start(audioData, "--room-mode", "composite", "--demo", "2",
                "--canvas", "640x360", "--ladder", "360p:640x360:800k,180p:320x180:250k", "--preset", "ultrafast",
                "--segment-duration", "1s");
        try {
            browser.get(httpUrl(room, "/watch/lobby"));
            awaitPlayingAndAdvancing("composited lobby");
            String master = TestSupport.get(httpUrl(room, "/live/lobby/master.m3u8")).body();
            assertThat(master).as("an audio-only variant in the master").contains("CODECS=\"mp4a.40.2\"\naudio/index.m3u8");
            new WebDriverWait(browser, Duration.ofSeconds(10)).until(b -> videoWidth() > 0);

            choose("audio");
            new WebDriverWait(browser, Duration.ofSeconds(30)).withMessage(() -> "audio only: state " + state())
                    .until(b -> "true".equals(b.findElement(By.tagName("body")).getAttribute("data-audio-only")) && videoWidth() == 0
                            && "playing".equals(state()));
            double listening = currentTime();
            new WebDriverWait(browser, Duration.ofSeconds(20)).withMessage(() -> "the audio plays on")
                    .until(b -> currentTime() > listening + 2);
            assertThat(String.valueOf(js("return window.amphiHls.url;"))).endsWith("/live/lobby/audio/index.m3u8");

            assertThat(browser.findElement(By.id("quality")).getText()).contains("Video (auto)").contains("Audio only");
            choose("-1");
            new WebDriverWait(browser, Duration.ofSeconds(30)).withMessage(() -> "video again")
                    .until(b -> videoWidth() > 0 && "playing".equals(state()));

            // the connection becomes too slow for the lowest video: after repeated stalls the page keeps the sound going
            js("window.seenStalls = 0; window.amphiHls.on('hlsError', function (e, d) {"
                    + " if (d.details === 'bufferStalledError') window.seenStalls++; });");
            org.openqa.selenium.chromium.ChromiumNetworkConditions slow = new org.openqa.selenium.chromium.ChromiumNetworkConditions();
            slow.setDownloadThroughput(250); // kbit/s: less than the lowest rung and its audio need, more than the audio alone
            slow.setUploadThroughput(1000);
            slow.setLatency(Duration.ofMillis(50));
            ((org.openqa.selenium.chromium.HasNetworkConditions) browser).setNetworkConditions(slow);
            try {
                new WebDriverWait(browser, Duration.ofSeconds(90)).withMessage(() -> "the fallback to audio only: level "
                                + js("return window.amphiHls && window.amphiHls.currentLevel;") + ", stalls " + js("return window.seenStalls;")
                                + ", time " + currentTime() + ", paused " + js("return document.getElementById('video').paused;")
                                + ", state " + state() + ", estimate "
                                + js("return window.amphiHls.bandwidthEstimate;") + ", levels "
                                + js("return JSON.stringify(window.amphiHls.levels.map(function (l) { return l.bitrate; }));"))
                        .until(b -> "true".equals(b.findElement(By.tagName("body")).getAttribute("data-audio-only")));
                assertThat(browser.findElement(By.id("compose-status")).getText()).contains("too slow for video");
            } finally {
                ((org.openqa.selenium.chromium.HasNetworkConditions) browser).deleteNetworkConditions();
            }

            // the embed: the player alone, framed by any site, the snippet on the watch page
            assertThat(String.valueOf(js("return document.getElementById('embed-code').value;")))
                    .isEqualTo("<iframe src=\"" + httpUrl(room, "/embed/lobby") + "\" width=\"960\" height=\"600\" "
                            + "allow=\"autoplay; fullscreen\" allowfullscreen style=\"border:0\"></iframe>");
            java.net.http.HttpResponse<String> embed = TestSupport.send(room, "GET", "/embed/lobby", null, null);
            assertThat(embed.headers().firstValue("Content-Security-Policy")).hasValue("frame-ancestors *");
            assertThat(TestSupport.send(room, "GET", "/host/lobby", null, null).headers().firstValue("X-Frame-Options"))
                    .as("the host console is not framed by other sites").hasValue("SAMEORIGIN");
            // another site's page (another origin: a port of its own) that embeds the room
            byte[] page = ("<!doctype html><title>Physics 101</title><iframe id=\"f\" src=\"" + httpUrl(room, "/embed/lobby")
                    + "\" width=\"640\" height=\"400\" allow=\"autoplay; fullscreen\"></iframe>").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            com.sun.net.httpserver.HttpServer course = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
            course.createContext("/", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, page.length);
                exchange.getResponseBody().write(page);
                exchange.close();
            });
            course.start();
            try {
                browser.get("http://127.0.0.1:" + course.getAddress().getPort() + "/physics-101");
            } finally {
                course.stop(0);
            }
            browser.switchTo().frame("f");
            new WebDriverWait(browser, Duration.ofSeconds(30)).withMessage(() -> "the embedded player plays: " + state())
                    .until(b -> "playing".equals(state()) && currentTime() > 0);
            assertThat(browser.findElement(By.tagName("header")).isDisplayed()).as("no page header in the embed").isFalse();
            assertThat(browser.findElement(By.id("danmaku")).isDisplayed()).as("the comments overlay").isTrue();
            browser.switchTo().defaultContent();
        } finally {
            browser.get("about:blank");
            room.close();
        }
    }
}
