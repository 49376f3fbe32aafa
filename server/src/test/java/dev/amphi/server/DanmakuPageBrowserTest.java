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
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The watch page's comment side in headless Chromium against a running server: markup typed as a
 * comment shows as text, refusals are shown with their rule, the comment settings survive a
 * reload, and scrolling comments never overlap. The room is not live: comments still post
 * (without a playhead the server takes "now") and the overlay shows the viewer's own ones.
 */
class DanmakuPageBrowserTest {

    @TempDir
    static Path dataDir;
    @TempDir
    static Path profile;
    static AmphiServer server;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        server = TestSupport.start(dataDir, "--room", "hall=hall-stream-key-0123");
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
        js("localStorage.clear();");
        browser.get("about:blank");
    }

    private Object js(String script, Object... args) {
        return Chromium.js(browser, script, args);
    }

    private void openHall() {
        browser.get(httpUrl(server, "/watch/hall"));
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(b -> "offline".equals(
                b.findElement(By.tagName("body")).getAttribute("data-state")) && js("return window.amphiComments") != null);
    }

    private void post(String text) {
        browser.findElement(By.id("comment-text")).sendKeys(text);
        browser.findElement(By.id("comment-send")).click();
    }

    @SuppressWarnings("unchecked")
    private List<Object> shownTexts() {
        return (List<Object>) js("return window.amphiComments.shown.map(function (c) { return c.text; });");
    }

    @Test
    void markupInACommentShowsAsTextAndRunsNothing() {
        openHall();
        String img = "<img src=x onerror=\"window.pwned=1;document.title='pwned'\">";
        String script = "<script>window.pwned=2</script><b>bold</b>";
        js("window.pwned = 0;");
        post(img);
        new WebDriverWait(browser, Duration.ofSeconds(15)).withMessage("the own comment shown")
                .until(b -> shownTexts().contains(img));
        post(script);
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(b -> shownTexts().contains(script));

        assertThat(js("return window.amphiOverlay.boxes().map(function (b) { return b.text; });")).as("on screen, as typed")
                .isEqualTo(List.of(img, script));
        assertThat(js("return document.querySelectorAll('img, b, #player script').length;")).as("elements made from comments")
                .isEqualTo(0L);
        assertThat(js("return window.pwned;")).as("script run by a comment").isEqualTo(0L);
        assertThat(browser.getTitle()).doesNotContain("pwned");
        assertThat(js("var c = document.querySelector('#danmaku canvas'); var d = c.getContext('2d')"
                + ".getImageData(0, 0, c.width, c.height).data; var n = 0;"
                + "for (var i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;"))
                .as("pixels the comments' text painted").isNotEqualTo(0L);
    }

    @Test
    void aRefusedCommentSaysWhyAndWhenToTryAgain() {
        openHall();
        // a burst faster than a viewer may post (3, then one per 2 s): the server refuses the rest
        js("for (var i = 1; i <= 6; i++) {"
                + "  document.getElementById('comment-text').value = 'burst ' + i;"
                + "  document.getElementById('comment-form').requestSubmit(); }");
        new WebDriverWait(browser, Duration.ofSeconds(15)).withMessage("the refusal shown")
                .until(b -> "viewer-rate".equals(b.findElement(By.id("compose-status")).getAttribute("data-rule")));
        assertThat(browser.findElement(By.id("compose-status")).getText()).matches("Too fast: you can post again in \\d+ seconds?\\.");
        assertThat(browser.findElement(By.id("comment-send")).isEnabled()).as("send while refused").isFalse();
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(b -> shownTexts().size() >= 3);
        assertThat(shownTexts().size()).as("comments accepted and shown of 6").isBetween(3, 5);

        browser.findElement(By.id("comment-text")).clear();
        post("while refused");
        assertThat(browser.findElement(By.id("comment-text")).getAttribute("value")).as("the text kept to retry")
                .isEqualTo("while refused");
        assertThat(shownTexts()).doesNotContain("while refused");
    }

    @Test
    void aBurstOfReactionsMergesIntoOneCountedBubble() {
        openHall();
        js("var b = document.querySelector('.emoji-bar [data-emoji=\"👏\"]'); for (var i = 0; i < 12; i++) b.click();"
                + "document.querySelector('.emoji-bar [data-emoji=\"🎉\"]').click();");
        assertThat(js("return Array.prototype.map.call(document.querySelectorAll('#reactions .reaction'),"
                + " function (e) { return e.textContent; });")).isEqualTo(List.of("👏 ×12", "🎉"));
        new WebDriverWait(browser, Duration.ofSeconds(10)).withMessage("the bubbles float away")
                .until(b -> ((Number) js("return document.querySelectorAll('#reactions .reaction').length;")).intValue() == 0);
    }

    @Test
    void commentSettingsAreRememberedAcrossAReload() {
        openHall();
        browser.findElement(By.id("danmaku-toggle")).click();
        browser.findElement(By.id("danmaku-settings")).click();
        new Select(browser.findElement(By.id("set-area"))).selectByValue("half");
        new Select(browser.findElement(By.id("set-size"))).selectByValue("large");
        new Select(browser.findElement(By.id("set-speed"))).selectByValue("1.4");
        js("var o = document.getElementById('set-opacity'); o.value = '0.5'; o.dispatchEvent(new Event('input'));");

        browser.navigate().refresh();
        openHall();
        assertThat(browser.findElement(By.id("danmaku-toggle")).getAttribute("aria-pressed")).isEqualTo("false");
        assertThat(js("return window.amphiOverlay.settings;")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("enabled", false).containsEntry("area", "half").containsEntry("size", "large")
                .containsEntry("speed", 1.4).containsEntry("opacity", 0.5);
        assertThat(new Select(browser.findElement(By.id("set-area"))).getFirstSelectedOption().getAttribute("textContent")).isEqualTo("½");
        post("hidden while off");
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(b -> shownTexts().contains("hidden while off"));
        assertThat(js("return window.amphiOverlay.boxes().length;")).as("comments drawn while off").isEqualTo(0L);

        browser.findElement(By.id("danmaku-toggle")).click();
        browser.navigate().refresh();
        openHall();
        assertThat(browser.findElement(By.id("danmaku-toggle")).getAttribute("aria-pressed")).isEqualTo("true");
        assertThat(js("return window.amphiOverlay.settings.area;")).isEqualTo("half");
    }

    @Test
    void scrollingCommentsNeverOverlapAndStayInTheDisplayArea() {
        openHall();
        js("var o = window.amphiOverlay; o.configure({area: 'half'});"
                + "var words = ['great talk', '👏👏👏', 'so true', 'can you share the slides please?', '这个讲得好', 'ok',"
                + "  'a much longer comment that travels faster across', '🎉'];"
                + "window.burst = function (n, from) { for (var i = 0; i < n; i++) {"
                + "  o.add({id: 'b' + (from + i), text: words[(from + i) % words.length] + ' ' + (from + i),"
                + "         mode: i % 10 === 0 ? 'top' : i % 10 === 1 ? 'bottom' : 'scroll'}); } };"
                + "window.burst(60, 0);");
        int overlapsSeen = 0;
        String firstOverlap = "";
        int samples = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < Duration.ofSeconds(6).toNanos()) {
            if (samples == 10) {
                js("window.burst(60, 60);");
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> boxes = (List<Map<String, Object>>) js("return window.amphiOverlay.boxes();");
            double height = ((Number) js("return document.getElementById('danmaku').clientHeight;")).doubleValue();
            for (int i = 0; i < boxes.size(); i++) {
                Map<String, Object> a = boxes.get(i);
                if ("scroll".equals(a.get("mode"))) {
                    assertThat(num(a, "y") + num(a, "h")).as("bottom of %s within half the stage", a.get("text"))
                            .isLessThanOrEqualTo(height / 2 + 0.5);
                }
                for (int j = i + 1; j < boxes.size(); j++) {
                    Map<String, Object> b = boxes.get(j);
                    boolean sameKind = "scroll".equals(a.get("mode")) == "scroll".equals(b.get("mode"));
                    if (sameKind && overlap(a, b)) {
                        firstOverlap = overlapsSeen == 0 ? a + " and " + b : firstOverlap;
                        overlapsSeen++;
                    }
                }
            }
            samples++;
        }
        @SuppressWarnings("unchecked")
        Map<String, Number> stats = (Map<String, Number>) js("return window.amphiOverlay.stats;");
        assertThat(samples).as("samples taken").isGreaterThan(20);
        assertThat(overlapsSeen).as("overlapping comments seen in %s samples, first %s", samples, firstOverlap).isZero();
        assertThat(stats.get("shown").intValue()).as("comments shown").isGreaterThan(40);
        assertThat(stats.get("dropped").intValue()).as("comments dropped over the density limit (half the stage)").isPositive();
    }

    private static double num(Map<String, Object> box, String key) {
        return ((Number) box.get(key)).doubleValue();
    }

    private static boolean overlap(Map<String, Object> a, Map<String, Object> b) {
        return num(a, "x") < num(b, "x") + num(b, "w") && num(b, "x") < num(a, "x") + num(a, "w")
                && num(a, "y") < num(b, "y") + num(b, "h") && num(b, "y") < num(a, "y") + num(a, "h");
    }
}
