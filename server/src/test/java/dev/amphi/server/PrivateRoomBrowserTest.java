package dev.amphi.server;

import static dev.amphi.server.TestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * A private room in headless Chromium: its host makes a viewer link in the host console; the watch
 * page refuses a viewer without one, and with it plays the room (hls.js follows the playlists,
 * which carry the link), counts the viewer and sends their comment; once the host revokes all
 * links from the console, the same link is refused.
 */
class PrivateRoomBrowserTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String ADMIN = "private-room-admin-token-0123";

    @TempDir
    static Path dir;
    static AmphiServer server;
    static WebDriver browser;
    static final AtomicBoolean STOP = new AtomicBoolean();
    static CompletableFuture<Integer> publisher;

    @BeforeAll
    static void start() throws Exception {
        server = TestSupport.start(dir.resolve("data"), "--admin-token", ADMIN, "--segment-duration", "1s");
        HttpResponse<String> made = TestSupport.send(server, "POST", "/api/rooms", ADMIN, "{\"name\":\"board\",\"title\":\"Board meeting\","
                + "\"visibility\":\"private\",\"settings\":{\"canvas\":\"640x360\",\"ladder\":\"360p:640x360:600k\",\"preset\":\"ultrafast\"}}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        String key = new JsonObject(made.body()).getString("streamKey");
        publisher = CompletableFuture.supplyAsync(() -> {
            try {
                return SyntheticPublisher.publish(TestSupport.rtmpUrl(server, key + "?name=Chair"), 120 * SyntheticPublisher.FPS, 120, true, STOP);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        browser = Chromium.open(dir.resolve("chromium"));
    }

    @AfterAll
    static void stop() throws Exception {
        STOP.set(true);
        if (browser != null) {
            browser.quit();
        }
        if (publisher != null) {
            publisher.handle((n, e) -> n).get(30, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    private static String state() {
        return (String) Chromium.js(browser, "return document.body.dataset.state;");
    }

    @Test
    void aViewerLinkFromTheConsoleOpensThePrivateRoomUntilRevoked() throws Exception {
        browser.get(TestSupport.httpUrl(server, "/watch/board"));
        assertThat(browser.findElement(By.id("refusal")).getText()).contains("room board is private");

        // the host makes a link in the console
        browser.get(TestSupport.httpUrl(server, "/host/board"));
        browser.findElement(By.id("host-key")).sendKeys(ADMIN);
        browser.findElement(By.id("signin-go")).click();
        await(TIMEOUT, "the console signed in", () -> "ready".equals(state()));
        await(TIMEOUT, "the viewer-link tools of a private room", () -> browser.findElement(By.id("viewer-links")).isDisplayed());
        browser.findElement(By.id("link-new")).click();
        await(TIMEOUT, "a link made", () -> String.valueOf(Chromium.js(browser,
                "return document.getElementById('copy-text').value;")).contains("/watch/board?e="));
        String link = String.valueOf(Chromium.js(browser, "return document.getElementById('copy-text').value;"));

        // a viewer with the link: the page plays, counts them, and takes their comment
        browser.get(link);
        await(TIMEOUT, "the private room playing", () -> "playing".equals(state())
                && ((Number) Chromium.js(browser, "return document.getElementById('video').currentTime;")).doubleValue() > 1);
        assertThat(browser.findElement(By.id("title")).getText()).isEqualTo("Board meeting");
        String query = link.substring(link.indexOf('?') + 1);
        Awaitility.await("the viewer counted").atMost(TIMEOUT).until(() -> new JsonObject(TestSupport.send(server, "GET",
                "/api/rooms/board?" + query, null, null).body()).getInteger("viewers") == 1);
        browser.findElement(By.id("comment-text")).sendKeys("Minutes approved");
        browser.findElement(By.id("comment-send")).click();
        Awaitility.await("the comment stored").atMost(TIMEOUT).until(() -> TestSupport.send(server, "GET",
                "/api/rooms/board/comments?format=json", ADMIN, null).body().contains("Minutes approved"));

        // the host revokes every link from the console: the same link is refused
        browser.get(TestSupport.httpUrl(server, "/host/board"));
        await(TIMEOUT, "the console signed in again (the key kept in the tab)", () -> "ready".equals(state()));
        await(TIMEOUT, "the viewer-link tools", () -> browser.findElement(By.id("viewer-links")).isDisplayed());
        browser.findElement(By.id("link-revoke")).click();
        browser.findElement(By.id("link-revoke")).click();
        Awaitility.await("the old link refused").atMost(TIMEOUT).until(() ->
                TestSupport.send(server, "GET", "/live/board/master.m3u8?" + query, null, null).statusCode() == 403);
        browser.get(link);
        assertThat(browser.findElement(By.id("refusal")).getText()).contains("room board is private");
    }
}
