package dev.amphi.server;

import static dev.amphi.server.TestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * A speaker's personal join link in headless Chromium: the page asks for no key and shows the name
 * the host gave (read-only), takes the token out of the address bar, joins over WebRTC with the
 * token as its credential, and the room's program lists the speaker under that name; when the host
 * revokes the speaker in the call, the connection closes and the page's reconnection with the link
 * is refused with a message that says so. A speaker the host removes is told so, and their page does
 * not rejoin.
 */
class JoinLinkBrowserTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String KEY = "link-room-stream-key-0123";

    @TempDir
    static Path dir;
    static AmphiServer server;
    static WebRtcBrowsers browsers;

    @BeforeAll
    static void start() throws Exception {
        WebRtcBrowsers.fixture(dir, "color=c=green:s=320x240:r=30", "green.y4m");
        WebRtcBrowsers.fixture(dir, "sine=frequency=660:sample_rate=48000", "tone660.wav");
        server = WebRtcBrowsers.compositeRoom(dir, "panel", KEY, "1s");
        browsers = new WebRtcBrowsers(server, dir, "panel", KEY);
    }

    @AfterAll
    static void stop() {
        WebRtcBrowsers.closeAll(browsers, server);
    }

    private static String speakers() throws Exception {
        return TestSupport.send(server, "GET", "/api/rooms/panel/program", null, null).body();
    }

    @Test
    void aPersonalLinkJoinsUnderTheHostsNameWithoutTheKeyUntilRevoked() throws Exception {
        String admin = Files.readString(dir.resolve("data/admin-token")).strip();
        JsonObject ada = new JsonObject(TestSupport.send(server, "POST", "/api/rooms/panel/speakers", admin,
                "{\"displayName\":\"Ada Lovelace\"}").body());
        WebDriver b = browsers.open("ada", "green.y4m", "tone660.wav");
        b.get(ada.getString("joinUrl"));
        await(TIMEOUT, "the page ready", () -> Boolean.TRUE.equals(Chromium.js(b, "return !!window.amphiJoin;")));
        assertThat(b.findElement(By.id("key")).isDisplayed()).as("no key field").isFalse();
        assertThat(b.findElement(By.id("link-help")).isDisplayed()).isTrue();
        assertThat(b.findElement(By.id("name")).getAttribute("value")).isEqualTo("Ada Lovelace");
        assertThat(b.findElement(By.id("name")).getAttribute("readOnly")).isEqualTo("true");
        assertThat(b.getCurrentUrl()).as("the token left the address bar").doesNotContain("t=").endsWith("/join/panel?name=Ada%20Lovelace");

        b.findElement(By.id("join")).click();
        await(TIMEOUT, "joined with the link", () -> "joined".equals(WebRtcBrowsers.state(b)));
        Awaitility.await("Ada Lovelace in the room's program").atMost(TIMEOUT).until(() -> speakers().contains("Ada Lovelace"));

        // revoked while in the call: the connection is closed, and the page's reconnection is refused with the reason
        assertThat(TestSupport.send(server, "DELETE", "/api/rooms/panel/speakers/" + ada.getString("id"), admin, null).statusCode())
                .isEqualTo(204);
        await(TIMEOUT, "the revoked speaker's page refused", () -> "error".equals(WebRtcBrowsers.state(b)));
        assertThat(b.findElement(By.id("error")).getText()).contains("join link is not valid any more");
        assertThat(b.findElement(By.id("key")).isDisplayed()).as("the key field is back").isTrue();
    }

    @Test
    void aSpeakerTheHostRemovesIsToldSoAndNotLetBackIn() throws Exception {
        WebDriver b = browsers.speaker("Eve", "green.y4m", "tone660.wav");
        Awaitility.await("Eve in the room's program").atMost(TIMEOUT).until(() -> speakers().contains("\"eve\""));
        assertThat(TestSupport.send(server, "POST", "/api/rooms/panel/program/speakers/eve/kick", KEY, null).statusCode()).isEqualTo(200);
        await(TIMEOUT, "the removed speaker's page refused", () -> "error".equals(WebRtcBrowsers.state(b)));
        assertThat(b.findElement(By.id("error")).getText()).contains("The host took you off this room").contains("removed Eve");
        assertThat(speakers()).doesNotContain("\"eve\"");
    }
}
