package dev.amphi.server;

import static dev.amphi.server.TestSupport.httpUrl;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
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
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Two viewers of a live (composited demo) room in two headless Chromiums, one in the default
 * latency band (6 s behind live) and one 10 s further behind ({@code ?latency=16}): a comment
 * posted through the API at program time T is shown by both when their playhead reaches T; a
 * comment deleted by the host after it reached a viewer's page is never shown to that viewer.
 */
class LiveCommentsBrowserTest {

    private static final String KEY = "live-comments-key-0123";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dataDir;
    @TempDir
    static Path profileNear;
    @TempDir
    static Path profileFar;
    static AmphiServer server;
    static WebDriver near;
    static WebDriver far;

    @BeforeAll
    static void start() throws Exception {
        server = TestSupport.start(dataDir, "--room-mode", "composite", "--demo", "2", "--lobby-key", KEY,
                "--canvas", "640x360", "--ladder", "360p:640x360:600k,180p:320x180:200k", "--preset", "ultrafast",
                "--playlist-window", "15");
        near = Chromium.open(profileNear);
        near.get(httpUrl(server, "/watch/lobby"));
        awaitPlaying(near);
        // the far viewer needs a playlist longer than its 16 s band to start that far behind
        new WebDriverWait(near, Duration.ofSeconds(60)).withMessage("a playlist of 10 segments")
                .until(d -> ((Number) Chromium.js(d, "var h = window.amphiHls, l = h.levels[h.currentLevel];"
                        + "return l && l.details ? l.details.fragments.length : 0;")).intValue() >= 10);
        far = Chromium.open(profileFar);
        far.get(httpUrl(server, "/watch/lobby?latency=16"));
        awaitPlaying(far);
        awaitLatency(near, 4.5, 8); // the page steps back only below its target (6 s) less 1.5 s
        awaitLatency(far, 14.5, 18);
    }

    /** The page holds its latency band: hls.js's estimate of the distance to the live edge, s. */
    private static void awaitLatency(WebDriver b, double low, double high) {
        new WebDriverWait(b, Duration.ofSeconds(40)).withMessage(() -> "latency in [" + low + ", " + high + "] s: "
                + Chromium.js(b, "return window.amphiHls.latency;"))
                .until(d -> {
                    double latency = ((Number) Chromium.js(d, "return window.amphiHls.latency || 0;")).doubleValue();
                    return latency >= low && latency <= high;
                });
    }

    private static void awaitPlaying(WebDriver b) {
        new WebDriverWait(b, Duration.ofSeconds(60)).withMessage("the lobby playing with a program time")
                .until(d -> "playing".equals(d.findElement(By.tagName("body")).getAttribute("data-state")) && playhead(d) > 0);
    }

    private static String diagnose(WebDriver b) {
        return String.valueOf(Chromium.js(b, "var s = window.amphiComments.state; return JSON.stringify({playhead:"
                + " window.amphiHls.playingDate && window.amphiHls.playingDate.getTime(), paused: document.getElementById('video').paused,"
                + " latency: window.amphiHls.latency, queue: s.queue.map(function (c) { return c.id + '@' + c.t; }),"
                + " shown: s.shownList.slice(-5), missed: s.missed, index: s.index});"));
    }

    @AfterAll
    static void stop() {
        for (WebDriver b : new WebDriver[] {near, far}) {
            if (b != null) {
                b.quit();
            }
        }
        if (server != null) {
            server.close();
        }
    }

    static double playhead(WebDriver b) {
        Object p = Chromium.js(b, "var d = window.amphiHls && window.amphiHls.playingDate; return d ? d.getTime() : 0;");
        return ((Number) p).doubleValue();
    }

    private static JsonObject postJson(String path, String auth, JsonObject body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(httpUrl(server, path)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        if (auth != null) {
            r.header("Authorization", auth);
        }
        HttpResponse<String> response = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("POST %s: %s", path, response.body()).isEqualTo(201);
        return new JsonObject(response.body());
    }

    private static JsonObject comment(String text, long at) throws Exception {
        String token = postJson("/api/rooms/lobby/viewer-token", null, new JsonObject()).getString("token");
        return postJson("/api/rooms/lobby/comments", "Viewer " + token, new JsonObject().put("text", text).put("at", at));
    }

    private static Object shown(WebDriver b, String id) {
        return Chromium.js(b, "var id = arguments[0];"
                + "var s = window.amphiComments.shown.filter(function (c) { return c.id === id; });"
                + "return s.length ? s[0].shownAt : null;", id);
    }

    @Test
    void bothViewersShowACommentWhenTheirPlayheadReachesItsProgramTime() throws Exception {
        double nearP = playhead(near);
        double farP = playhead(far);
        assertThat(nearP - farP).as("the far viewer's lag behind the near one, ms").isBetween(6000.0, 14000.0);
        // 4 s ahead of the near viewer: its window is published (≤ 2.5 s after T) and polled before
        // the near viewer's playhead, 4.5-8 s behind live, gets there
        long at = (long) nearP + 4000;
        JsonObject posted = comment("at T for everyone", at);
        long t = posted.getLong("t");
        assertThat(t).as("program time kept").isEqualTo(at);
        String id = posted.getString("id");
        for (WebDriver b : new WebDriver[] {near, far}) {
            new WebDriverWait(b, Duration.ofSeconds(40)).withMessage(() -> "comment shown, T " + t + " " + diagnose(b))
                    .until(d -> shown(d, id) != null);
            double shownAt = ((Number) shown(b, id)).doubleValue();
            assertThat(shownAt - t).as("shown at the playhead's program time minus T, ms").isBetween(-200.0, 200.0);
        }
    }

    @Test
    void aCommentDeletedBeforeAViewerReachesItIsNeverShownToThem() throws Exception {
        long at = (long) playhead(far) + 7000; // the far viewer reaches it in ~7 s; the near one is past it
        String deleted = comment("deleted by the host", at).getString("id");
        String kept = comment("kept", at).getString("id");
        new WebDriverWait(far, Duration.ofSeconds(20)).withMessage("both comments queued in the far viewer's page")
                .until(d -> (Boolean) Chromium.js(d, "var q = window.amphiComments.state.queue.map(function (c) { return c.id; });"
                        + "return q.indexOf(arguments[0]) >= 0 && q.indexOf(arguments[1]) >= 0;", deleted, kept));
        HttpResponse<String> delete = HTTP.send(HttpRequest.newBuilder(URI.create(httpUrl(server, "/api/rooms/lobby/comments/" + deleted)))
                .header("Authorization", "Bearer " + KEY).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(delete.statusCode()).as("DELETE: %s", delete.body()).isEqualTo(204);

        new WebDriverWait(far, Duration.ofSeconds(30)).withMessage(() -> "the kept comment shown, T " + at + " " + diagnose(far)).until(d -> shown(d, kept) != null);
        new WebDriverWait(far, Duration.ofSeconds(10)).until(d -> playhead(d) > at + 1000);
        assertThat(shown(far, deleted)).as("the deleted comment shown").isNull();
        assertThat(Chromium.js(far, "return window.amphiOverlay.boxes().map(function (b) { return b.text; });"))
                .asList().doesNotContain("deleted by the host");
    }

    @Test
    void otherViewersReactionsFloatUpCountedWhenThePlayheadReachesTheirSecond() throws Exception {
        long at = (long) playhead(far) + 7000; // the far viewer reaches it in ~7 s
        long second = Math.floorDiv(at, 1000) * 1000;
        for (int i = 0; i < 3; i++) { // three viewers tap ❓ at the same moment of the program
            String token = postJson("/api/rooms/lobby/viewer-token", null, new JsonObject()).getString("token");
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(httpUrl(server, "/api/rooms/lobby/reactions")))
                    .header("Content-Type", "application/json").header("Authorization", "Viewer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("emoji", "❓").put("at", at).encode())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("POST reactions: %s", r.body()).isEqualTo(202);
        }
        new WebDriverWait(far, Duration.ofSeconds(20)).withMessage(() -> "the counted second queued in the far page " + diagnose(far))
                .until(d -> (Boolean) Chromium.js(d, "var s = arguments[0]; return window.amphiComments.state.queue.some(function (c) {"
                        + " return c.kind === 'reaction' && c.t === s && c.counts['❓'] === 3; });", second));
        Object before = Chromium.js(far, "return window.amphiReactions.total['❓'] || 0;");
        assertThat(playhead(far)).as("queued well before the playhead got there").isLessThan(second - 500.0);
        assertThat(before).as("not shown before its second").isEqualTo(0L);
        new WebDriverWait(far, Duration.ofSeconds(20)).withMessage("three ❓ float up")
                .until(d -> ((Number) Chromium.js(d, "return window.amphiReactions.total['❓'] || 0;")).intValue() == 3);
        assertThat(playhead(far)).as("shown once the playhead reached its second").isGreaterThanOrEqualTo(second - 100.0);
    }

    @Test
    void controlsSwitchQualityAndMakeThePlayerFullscreen() {
        WebDriver b = near;
        new org.openqa.selenium.interactions.Actions(b).moveToElement(b.findElement(By.id("screen"))).perform();
        assertThat(Chromium.js(b, "return Array.prototype.map.call(document.getElementById('quality').options,"
                + " function (o) { return o.value; });")).as("quality menu").isEqualTo(java.util.List.of("-1", "0", "1", "audio"));
        int to = 1 - ((Number) Chromium.js(b, "return window.amphiHls.currentLevel;")).intValue();
        new org.openqa.selenium.support.ui.Select(b.findElement(By.id("quality"))).selectByValue(String.valueOf(to));
        new WebDriverWait(b, Duration.ofSeconds(20)).withMessage("switched to level " + to)
                .until(d -> String.valueOf(to).equals(d.findElement(By.tagName("body")).getAttribute("data-level")));
        assertThat(Chromium.js(b, "return window.amphiHls.autoLevelEnabled;")).as("automatic after a manual choice").isEqualTo(false);
        new org.openqa.selenium.support.ui.Select(b.findElement(By.id("quality"))).selectByValue("-1");
        assertThat(Chromium.js(b, "return window.amphiHls.autoLevelEnabled;")).as("automatic again").isEqualTo(true);

        new org.openqa.selenium.interactions.Actions(b).moveToElement(b.findElement(By.id("screen"))).perform();
        b.findElement(By.id("fullscreen")).click();
        new WebDriverWait(b, Duration.ofSeconds(10)).withMessage("the player's container in fullscreen")
                .until(d -> "player".equals(Chromium.js(d, "return document.fullscreenElement && document.fullscreenElement.id;")));
        assertThat(Chromium.js(b, "var p = document.fullscreenElement; return p.contains(document.getElementById('video'))"
                + " && p.contains(document.getElementById('danmaku')) && p.contains(document.getElementById('comment-text'));"))
                .as("video, comments and input inside the fullscreen element").isEqualTo(true);
        new org.openqa.selenium.interactions.Actions(b).moveToElement(b.findElement(By.id("screen"))).perform();
        b.findElement(By.id("fullscreen")).click();
        new WebDriverWait(b, Duration.ofSeconds(10)).until(d -> Chromium.js(d, "return document.fullscreenElement;") == null);

        new org.openqa.selenium.interactions.Actions(b).moveToElement(b.findElement(By.id("screen"))).perform();
        b.findElement(By.id("play")).click();
        assertThat(Chromium.js(b, "return document.getElementById('video').paused;")).as("paused by the button").isEqualTo(true);
        new WebDriverWait(b, Duration.ofSeconds(10)).withMessage("the live badge offers to go back to live")
                .until(d -> "Back to live".equals(d.findElement(By.id("live")).getText()));
        b.findElement(By.id("live")).click();
        new WebDriverWait(b, Duration.ofSeconds(20)).withMessage("playing in the band again")
                .until(d -> "LIVE".equals(d.findElement(By.id("live")).getText())
                        && Boolean.FALSE.equals(Chromium.js(d, "return document.getElementById('video').paused;")));
        assertThat(b.findElement(By.id("unmute")).getAttribute("aria-label")).as("muted autoplay offers unmute").isEqualTo("Unmute");
        b.findElement(By.id("unmute")).click();
        assertThat(Chromium.js(b, "return document.getElementById('video').muted;")).isEqualTo(false);
    }
}
