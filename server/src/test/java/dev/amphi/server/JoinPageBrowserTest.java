package dev.amphi.server;

import static dev.amphi.server.TestSupport.httpUrl;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The speaker page, /join/{room}, in headless Chromium with fake camera and microphone: the
 * preview plays, the microphone's level moves, the device pickers list the devices and switch the
 * camera, an unknown room is a
 * 404. Joining is checked up to the WHIP request: the page's {@code fetch} is replaced by one that
 * records the request and answers the refusal under test, so the offer the page sends and the
 * error it shows are what a user would get, without a WebRTC server.
 */
class JoinPageBrowserTest {

    @TempDir
    static Path dataDir;
    @TempDir
    static Path profile;
    static AmphiServer server;
    static WebDriver browser;

    /** Answers the page's WHIP and ICE-server requests in the page; records each request in window.whipRequests. */
    private static final String FAKE_WHIP = """
            window.whipRequests = [];
            var realFetch = window.fetch;
            var answer = arguments[0];
            window.fetch = function (url, init) {
              var u = String(url);
              if (u.indexOf('/ice-servers') >= 0) {
                return Promise.resolve(new Response('{"iceServers":[]}', {status: 200, headers: {'Content-Type': 'application/json'}}));
              }
              if (u.indexOf('/whip') < 0) return realFetch(url, init);
              window.whipRequests.push({url: u, method: init.method, auth: init.headers['Authorization'],
                type: init.headers['Content-Type'], body: init.body});
              if (answer.status === 0) return Promise.reject(new TypeError('Failed to fetch'));
              return Promise.resolve(new Response(answer.text, {status: answer.status, headers: {'Content-Type': 'text/plain'}}));
            };
            """;

    @BeforeAll
    static void start() throws Exception {
        server = TestSupport.start(dataDir, "--room", "stage=stage-stream-key-0123");
        browser = Chromium.open(profile, Chromium.FAKE_MEDIA);
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
        js("localStorage.clear();");
        browser.get("about:blank");
    }

    private Object js(String script, Object... args) {
        return Chromium.js(browser, script, args);
    }

    private String body(String attribute) {
        return browser.findElement(By.tagName("body")).getAttribute(attribute);
    }

    private long previewFrames() {
        return ((Number) js("return document.getElementById('preview').getVideoPlaybackQuality().totalVideoFrames;")).longValue();
    }

    private void openStageWithPreview() {
        browser.get(httpUrl(server, "/join/stage"));
        new WebDriverWait(browser, Duration.ofSeconds(30)).withMessage(() -> "preview playing, state " + body("data-state")
                        + ", error: " + browser.findElement(By.id("error")).getText())
                .until(b -> "idle".equals(body("data-state")) && previewFrames() > 0);
    }

    @Test
    void previewPlaysAndThePickersListAndSwitchTheFakeDevices() {
        openStageWithPreview();
        assertThat(browser.findElement(By.id("title")).getText()).isEqualTo("stage");
        List<WebElement> shown = browser.findElements(By.cssSelector("input, select, button, video, meter")).stream()
                .filter(WebElement::isDisplayed).toList();  // the call's controls and #program come when joined
        assertThat(shown).extracting(e -> e.getAttribute("id"))
                .contains("camera-select", "mic-select", "mic-level", "name", "key", "listen-only", "join", "preview");
        for (WebElement control : shown) {
            assertThat(control.getAccessibleName()).as("accessible name of #%s", control.getAttribute("id")).isNotBlank();
        }
        assertThat(browser.findElement(By.id("status")).getAttribute("role")).isEqualTo("status");
        // the fake microphone beeps briefly once a second: look often (a loaded machine made 0.5 s polls miss the peaks)
        new WebDriverWait(browser, Duration.ofSeconds(20)).pollingEvery(Duration.ofMillis(50))
                .withMessage(() -> "the level meter hears the fake microphone's beeps")
                .until(b -> ((Number) js("return document.getElementById('mic-level').value;")).doubleValue() > 0.2);
        long frames = previewFrames();
        new WebDriverWait(browser, Duration.ofSeconds(10)).withMessage(() -> "preview frames beyond " + frames)
                .until(b -> previewFrames() > frames + 10);
        assertThat(((Number) js("return document.getElementById('preview').videoWidth;")).intValue()).isPositive();

        Select cameras = new Select(browser.findElement(By.id("camera-select")));
        Select mics = new Select(browser.findElement(By.id("mic-select")));
        assertThat(cameras.getOptions()).as("fake cameras").hasSize(2).allSatisfy(o -> assertThat(o.getText()).isNotBlank());
        assertThat(mics.getOptions()).as("fake microphones").isNotEmpty().allSatisfy(o -> assertThat(o.getText()).isNotBlank());
        String using = (String) js("return window.amphiJoin.local.getVideoTracks()[0].getSettings().deviceId;");
        assertThat(cameras.getFirstSelectedOption().getAttribute("value")).as("the picker shows the camera in use").isEqualTo(using);

        WebElement other = cameras.getOptions().stream().filter(o -> !o.getAttribute("value").equals(using)).findFirst().orElseThrow();
        String otherId = other.getAttribute("value");
        cameras.selectByValue(otherId);
        new WebDriverWait(browser, Duration.ofSeconds(15)).withMessage(() -> "the preview switches to camera " + otherId)
                .until(b -> otherId.equals(js("var t = window.amphiJoin.local.getVideoTracks()[0];"
                        + "return t.readyState === 'live' ? t.getSettings().deviceId : null;")));
        long switched = previewFrames();
        new WebDriverWait(browser, Duration.ofSeconds(10)).withMessage(() -> "preview frames after the switch")
                .until(b -> previewFrames() > switched + 10);
        assertThat(js("return window.amphiJoin.local.getTracks().length;")).as("one camera and one microphone").isEqualTo(2L);
    }

    @Test
    void anUnknownRoomIsNotFound() {
        TestSupport.Response r = TestSupport.get(httpUrl(server, "/join/ghost"));
        assertThat(r.status()).isEqualTo(404);
        browser.get(httpUrl(server, "/join/ghost"));
        assertThat(browser.findElement(By.tagName("body")).getText()).contains("no such room");
    }

    @Test
    void refusalsAreShownWithTheirReasonAndTheKeyIsNeverKept() {
        openStageWithPreview();
        record Case(int status, String reply, String kind, String shown) {
        }
        List<Case> cases = List.of(
                new Case(401, "wrong key", "key", "room key is not right"),
                new Case(403, "the host removed Ada Lovelace from room stage; try again later", "removed", "took you off"),
                new Case(404, "no such room", "missing", "no room called stage"),
                new Case(409, "room full: 300 speakers", "full", "room is full"),
                new Case(400, "no usable video codec", "offer", "no usable video codec"),
                new Case(503, "WebRTC is off", "unavailable", "does not take speakers from the browser"),
                new Case(0, "", "network", "cannot be reached"));
        WebElement name = browser.findElement(By.id("name"));
        name.clear();
        name.sendKeys("Ada Lovelace");
        for (Case c : cases) {
            js(FAKE_WHIP, Map.of("status", c.status(), "text", c.reply()));
            WebElement key = browser.findElement(By.id("key"));
            key.clear();
            key.sendKeys("secret-room-key-42", Keys.ENTER);  // the keyboard joins
            new WebDriverWait(browser, Duration.ofSeconds(20)).withMessage(() -> c + ": state " + body("data-state"))
                    .until(b -> "error".equals(body("data-state")));
            assertThat(body("data-error")).as("%s", c).isEqualTo(c.kind());
            assertThat(browser.findElement(By.id("error")).getText()).as("%s", c).containsIgnoringCase(c.shown());
            assertThat(browser.findElement(By.id("setup")).isDisplayed()).as("the form is back").isTrue();

            @SuppressWarnings("unchecked")
            List<Map<String, Object>> sent = (List<Map<String, Object>>) js("return window.whipRequests;");
            assertThat(sent).as("%s: one WHIP request", c).hasSize(1);
            Map<String, Object> post = sent.get(0);
            assertThat(post.get("url")).isEqualTo("/api/rooms/stage/whip?name=Ada+Lovelace")
                    .satisfies(u -> assertThat(String.valueOf(u)).doesNotContain("secret"));
            assertThat(post).containsEntry("method", "POST").containsEntry("auth", "Bearer secret-room-key-42")
                    .containsEntry("type", "application/sdp");
            String sdp = (String) post.get("body");
            assertThat(sdp).startsWith("v=0").contains("m=audio", "m=video", "a=sendrecv", "a=group:BUNDLE")
                    .doesNotContain("a=recvonly", "a=sendonly");

            assertThat(browser.findElement(By.id("key")).getAttribute("value")).as("the key is not shown again").isEmpty();
            assertThat(browser.getCurrentUrl()).doesNotContain("secret");
            assertThat((String) js("return JSON.stringify(localStorage) + document.body.innerHTML;")).doesNotContain("secret");
        }
    }

    @Test
    void listenOnlyAsksForTheProgramWithoutTheSpeakersOwnVoice() {
        openStageWithPreview();
        browser.findElement(By.id("listen-only")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).withMessage(() -> "the camera is released")
                .until(b -> js("return window.amphiJoin.local;") == null);
        js(FAKE_WHIP, Map.of("status", 409, "text", "room full"));
        WebElement name = browser.findElement(By.id("name"));
        name.clear();
        name.sendKeys("obs-host");
        browser.findElement(By.id("key")).sendKeys("secret-room-key-42");
        browser.findElement(By.id("join")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(b -> "error".equals(body("data-state")));

        @SuppressWarnings("unchecked")
        Map<String, Object> post = ((List<Map<String, Object>>) js("return window.whipRequests;")).get(0);
        assertThat(post.get("url")).isEqualTo("/api/rooms/stage/whip?speaker=obs-host");
        assertThat((String) post.get("body")).contains("m=audio", "m=video", "a=recvonly").doesNotContain("a=sendrecv");
        assertThat(body("data-error")).isEqualTo("full");
    }
}
