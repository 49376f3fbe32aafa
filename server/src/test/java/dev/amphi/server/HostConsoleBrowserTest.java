package dev.amphi.server;

import static dev.amphi.server.TestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;

/**
 * The host console in headless Chromium, run by a host who signs in with their console link, in a
 * composited room where two FFmpeg RTMP speakers publish tones: Ada (the room's shared key, 440 Hz)
 * and Bob (his own key, 1320 Hz). Each action is clicked on the page and checked where a user would
 * see it, within 1 s of the click: muting Ada takes her tone out of the program's audio (read back
 * from the HLS audio rendition, placed in time by its EXT-X-PROGRAM-DATE-TIME) while Bob's stays;
 * the spotlight switches the program's layout; removing Bob closes his encoder's connection, takes
 * his tile away and revokes his key; banning Ada closes hers and refuses her name. The console also
 * shows live levels and bitrates, the watch page's viewer, and approves a held comment.
 */
class HostConsoleBrowserTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String KEY = "console-room-stream-key-0123";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int RATE = 48_000;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HostConsoleBrowserTest.class);

    @TempDir
    static Path dir;
    static AmphiServer server;
    static WebDriver browser;
    static Process ada;
    static Process bob;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        server = TestSupport.start(dir.resolve("data"), "--room-mode", "composite", "--room", "panel=" + KEY,
                "--canvas", "640x360", "--ladder", "360p:640x360:600k", "--preset", "ultrafast", "--segment-duration", "1s",
                "--playlist-window", "12");
        admin = Files.readString(dir.resolve("data/admin-token")).strip();
    }

    @AfterAll
    static void stop() {
        for (Process p : new Process[] {ada, bob}) {
            if (p != null) {
                p.destroyForcibly();
            }
        }
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    /** An FFmpeg CLI speaker over RTMP: a colour and a tone. */
    private static Process speaker(String name, String keyAndName, String colour, int hz) throws Exception {
        return new ProcessBuilder("ffmpeg", "-v", "error", "-re", "-f", "lavfi", "-i", "color=c=" + colour + ":s=320x240:r=30",
                "-re", "-f", "lavfi", "-i", "sine=frequency=" + hz + ":sample_rate=48000", "-c:v", "libx264", "-preset", "ultrafast",
                "-tune", "zerolatency", "-g", "30", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ar", "48000", "-b:a", "96k",
                "-f", "flv", TestSupport.rtmpUrl(server, keyAndName))
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    private static JsonObject program() throws Exception {
        return new JsonObject(TestSupport.send(server, "GET", "/api/rooms/panel/program", null, null).body());
    }

    private static List<String> onStage() throws Exception {
        List<String> ids = new ArrayList<>();
        program().getJsonArray("speakers").forEach(s -> ids.add(((JsonObject) s).getString("id")));
        return ids;
    }

    private static WebElement row(String speaker) {
        return browser.findElement(By.cssSelector("tr[data-speaker='" + speaker + "']"));
    }

    /** Clicks and returns the wall-clock time of the click (this machine's clock, as the server's). */
    private static long click(WebElement e) {
        long at = System.currentTimeMillis();
        e.click();
        return at;
    }

    /** Waits until {@code condition} holds and asserts it took at most 1 s after {@code since}. */
    private static void withinASecond(long since, String what, java.util.concurrent.Callable<Boolean> condition) {
        Awaitility.await(what).atMost(TIMEOUT).pollInterval(Duration.ofMillis(20)).until(condition);
        long took = System.currentTimeMillis() - since;
        LOG.info("{}: {} ms after the click", what, took);
        assertThat(took).as("%s took %d ms after the click", what, took).isLessThanOrEqualTo(1000);
    }

    @Test
    void aHostRunsTheRoomFromTheConsole() throws Exception {
        JsonObject bobCredentials = new JsonObject(TestSupport.send(server, "POST", "/api/rooms/panel/speakers", admin,
                "{\"displayName\":\"Bob\"}").body());
        JsonObject grace = new JsonObject(TestSupport.send(server, "POST", "/api/rooms/panel/speakers", admin,
                "{\"displayName\":\"Grace\",\"role\":\"host\"}").body());
        JsonArray people = new JsonArray(TestSupport.send(server, "GET", "/api/rooms/panel/speakers", admin, null).body());
        String consoleLink = people.stream().map(o -> (JsonObject) o).filter(p -> p.getString("id").equals(grace.getString("id")))
                .findFirst().orElseThrow().getString("hostUrl");
        assertThat(consoleLink).startsWith(TestSupport.httpUrl(server, "/host/panel?t="));

        ada = speaker("ada", KEY + "?name=Ada", "red", 440);
        bob = speaker("bob", bobCredentials.getString("streamKey"), "blue", 1320);
        Awaitility.await("Ada and Bob on stage").atMost(TIMEOUT).until(() -> onStage().containsAll(List.of("ada", "bob")));

        browser = Chromium.open(dir.resolve("chromium"));
        browser.get(consoleLink);
        await(TIMEOUT, "the console signed in with the link", () -> "ready".equals(Chromium.js(browser, "return document.body.dataset.state")));
        assertThat(browser.getCurrentUrl()).as("the token left the address bar").doesNotContain("t=");
        await(TIMEOUT, "both speakers listed with levels and bitrates", () -> {
            try {
                return Double.parseDouble(row("ada").getAttribute("data-level")) > -40
                        && Double.parseDouble(row("bob").getAttribute("data-level")) > -40
                        && Integer.parseInt(row("ada").findElement(By.className("kbps")).getText()) > 50
                        && Integer.parseInt(row("bob").findElement(By.className("kbps")).getText()) > 50;
            } catch (RuntimeException e) {
                return false;
            }
        });
        assertThat(browser.findElements(By.cssSelector("tr[data-person] .copy-key"))).as("keys to copy for Bob and Grace").hasSize(2);
        assertThat(browser.findElements(By.cssSelector("tr[data-person] .copy-link"))).hasSize(2);

        // a viewer opens the watch page: the console counts them
        String console = browser.getWindowHandle();
        browser.switchTo().newWindow(WindowType.TAB).get(TestSupport.httpUrl(server, "/watch/panel"));
        browser.switchTo().window(console);
        await(TIMEOUT, "one viewer counted", () -> "1".equals(browser.findElement(By.id("viewers")).getText()));

        // mute Ada: her tone leaves the program's mix, Bob's stays
        long muted = click(row("ada").findElement(By.className("mute")));
        withinASecond(muted, "Ada muted in the program's speaker list", () -> program().getJsonArray("speakers").stream()
                .anyMatch(s -> ((JsonObject) s).getString("id").equals("ada") && ((JsonObject) s).getBoolean("muted")));
        await(TIMEOUT, "the console shows Ada muted", () -> "true".equals(row("ada").getAttribute("data-muted")));
        toneLeavesTheMix(muted);

        // spotlight Bob
        long spot = click(row("bob").findElement(By.className("spotlight")));
        withinASecond(spot, "the program presents Bob", () -> {
            JsonObject layout = program().getJsonObject("layout");
            return "presentation".equals(layout.getString("layout")) && "bob".equals(layout.getString("source"));
        });
        await(TIMEOUT, "the console shows Bob pinned", () -> "Unpin".equals(row("bob").findElement(By.className("spotlight")).getText()));

        // remove Bob: his encoder is disconnected, his tile goes, his key is revoked
        WebElement kick = row("bob").findElement(By.className("kick"));
        kick.click();
        assertThat(kick.getText()).startsWith("Sure?");
        long kicked = click(kick);
        withinASecond(kicked, "Bob off the program", () -> !onStage().contains("bob"));
        assertThat(bob.waitFor(10, TimeUnit.SECONDS)).as("Bob's FFmpeg was disconnected").isTrue();
        assertThat(new JsonArray(TestSupport.send(server, "GET", "/api/rooms/panel/speakers", admin, null).body()).stream()
                .map(o -> (JsonObject) o).filter(p -> p.getString("displayName").equals("Bob")).findFirst().orElseThrow()
                .getBoolean("revoked")).as("Bob's credentials revoked").isTrue();
        await(TIMEOUT, "the console lists Bob as removed", () -> browser.findElement(By.id("bans")).getText().contains("Bob: removed"));

        // ban Ada: her encoder is disconnected and her name refused from now on
        WebElement ban = row("ada").findElement(By.className("ban"));
        ban.click();
        long banned = click(ban);
        withinASecond(banned, "Ada off the program", () -> !onStage().contains("ada"));
        assertThat(ada.waitFor(10, TimeUnit.SECONDS)).as("Ada's FFmpeg was disconnected").isTrue();
        Process again = speaker("ada-again", KEY + "?name=Ada", "red", 440);
        assertThat(again.waitFor(20, TimeUnit.SECONDS)).as("Ada's new attempt refused").isTrue();
        assertThat(again.exitValue()).isNotZero();
        assertThat(onStage()).doesNotContain("ada");
        await(TIMEOUT, "the console lists Ada as banned", () -> browser.findElement(By.id("bans")).getText().contains("Ada: banned"));

        // comments: hold them for approval from the console, approve one
        browser.findElement(By.id("hold")).click();
        browser.findElement(By.id("comment-settings-go")).click();
        Awaitility.await("comments held").atMost(TIMEOUT).until(() -> new JsonObject(TestSupport.send(server, "GET",
                "/api/rooms/panel/comment-settings", KEY, null).body()).getBoolean("hold"));
        postComment("When is the exam?");
        await(TIMEOUT, "the held comment in the console", () -> browser.findElement(By.id("held")).getText().contains("When is the exam?"));
        browser.findElement(By.cssSelector("#held .approve")).click();
        Awaitility.await("nothing held any more").atMost(TIMEOUT).until(() -> new JsonArray(TestSupport.send(server, "GET",
                "/api/rooms/panel/comments/held", KEY, null).body()).isEmpty());
    }

    private static void postComment(String text) throws Exception {
        String token = new JsonObject(TestSupport.send(server, "POST", "/api/rooms/panel/viewer-token", null, "{}").body()).getString("token");
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(TestSupport.httpUrl(server, "/api/rooms/panel/comments")))
                .header("Authorization", "Viewer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("text", text).encode())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
    }

    /**
     * Reads the program's audio rendition around {@code mutedAt} and checks that Ada's 440 Hz tone is
     * in the mix before and gone from at most 1 s after, by the samples' program date-time, while
     * Bob's 1320 Hz tone plays throughout.
     */
    private static void toneLeavesTheMix(long mutedAt) throws Exception {
        String masterUrl = TestSupport.httpUrl(server, "/live/panel/master.m3u8");
        String audioUrl = TestSupport.mediaPlaylists(masterUrl, TestSupport.get(masterUrl).body()).stream()
                .filter(u -> u.contains("audio")).findFirst().orElseThrow();
        String[] playlist = new String[1];
        Awaitility.await("the audio playlist reaches 3 s after the mute").atMost(TIMEOUT).until(() -> {
            playlist[0] = TestSupport.get(audioUrl).body();
            Optional<Instant> end = end(playlist[0]);
            return end.isPresent() && end.get().toEpochMilli() > mutedAt + 3000;
        });
        Instant first = null;
        String init = null;
        ByteArrayOutputStream media = new ByteArrayOutputStream();
        Instant pdt = null;
        for (String line : playlist[0].split("\n")) {
            line = line.strip();
            if (line.startsWith("#EXT-X-MAP:URI=\"")) {
                init = line.substring(16, line.indexOf('"', 16));
            } else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
                pdt = Instant.parse(line.substring(25));
            } else if (!line.isEmpty() && !line.startsWith("#")) {
                if (first == null) {
                    first = pdt;
                    media.write(fetch(URI.create(audioUrl).resolve(init).toString()));
                }
                media.write(fetch(URI.create(audioUrl).resolve(line).toString()));
            }
        }
        assertThat(first).isNotNull();
        assertThat(first.toEpochMilli()).as("the playlist still has audio from before the mute").isLessThan(mutedAt - 1000);
        Path mp4 = dir.resolve("audio.mp4");
        Files.write(mp4, media.toByteArray());
        Process decode = new ProcessBuilder("ffmpeg", "-v", "error", "-i", mp4.toString(), "-ac", "1", "-ar", String.valueOf(RATE),
                "-f", "f32le", "-").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] raw = decode.getInputStream().readAllBytes();
        assertThat(decode.waitFor()).isZero();
        ByteBuffer pcm = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[] samples = new float[raw.length / 4];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = pcm.getFloat();
        }
        // 100 ms windows, each placed in time by the first segment's program date-time
        int window = RATE / 10;
        long lastHeard = Long.MIN_VALUE;
        boolean heardBefore = false;
        for (int w = 0; w + window <= samples.length; w += window) {
            long at = first.toEpochMilli() + w * 1000L / RATE;
            double a440 = goertzel(samples, w, window, 440);
            double a1320 = goertzel(samples, w, window, 1320);
            if (a440 > 0.02) {
                lastHeard = at + 100;
                heardBefore |= at < mutedAt - 300;
            }
            if (at > mutedAt + 1000 && at < mutedAt + 3000) {
                assertThat(a1320).as("Bob's tone at %d ms after the mute", at - mutedAt).isGreaterThan(0.02);
            }
        }
        assertThat(heardBefore).as("Ada's tone in the mix before the mute").isTrue();
        LOG.info("Ada's tone last heard in the program's audio {} ms after the click on Mute", lastHeard - mutedAt);
        assertThat(lastHeard - mutedAt).as("Ada's tone leaves the mix within 1 s of the click (last heard at +%d ms)",
                lastHeard - mutedAt).isLessThanOrEqualTo(1000);
    }

    /** The wall-clock end of a media playlist's last segment, by its program date-times. */
    private static Optional<Instant> end(String playlist) {
        Instant pdt = null;
        double duration = 0;
        Instant end = null;
        for (String line : playlist.split("\n")) {
            if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
                pdt = Instant.parse(line.substring(25).strip());
            } else if (line.startsWith("#EXTINF:")) {
                duration = Double.parseDouble(line.substring(8, line.indexOf(',')));
            } else if (!line.isBlank() && !line.startsWith("#") && pdt != null) {
                end = pdt.plusMillis((long) (duration * 1000));
            }
        }
        return Optional.ofNullable(end);
    }

    private static byte[] fetch(String url) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return r.body();
    }

    /** The amplitude of {@code hz} in {@code n} samples from {@code from}. */
    private static double goertzel(float[] x, int from, int n, double hz) {
        double k = 2 * Math.cos(2 * Math.PI * hz / RATE);
        double s1 = 0;
        double s2 = 0;
        for (int i = 0; i < n; i++) {
            double s = x[from + i] + k * s1 - s2;
            s2 = s1;
            s1 = s;
        }
        double power = s1 * s1 + s2 * s2 - k * s1 * s2;
        return 2 * Math.sqrt(Math.max(0, power)) / n;
    }

    @Test
    void theAdminMakesARoomInTheConsoleAndEndsItsEvent() throws Exception {
        if (browser == null) {
            browser = Chromium.open(dir.resolve("chromium"));
        }
        browser.get(TestSupport.httpUrl(server, "/host"));
        browser.findElement(By.id("host-key")).sendKeys(admin);
        browser.findElement(By.id("signin-go")).click();
        await(TIMEOUT, "the rooms listed", () -> browser.findElement(By.id("room-list")).getText().contains("panel"));
        browser.findElement(By.id("new-name")).sendKeys("seminar");
        browser.findElement(By.id("new-title")).sendKeys("Friday seminar");
        browser.findElement(By.id("create-go")).click();
        await(TIMEOUT, "the new room's console, signed in", () -> browser.getCurrentUrl().endsWith("/host/seminar")
                && "ready".equals(Chromium.js(browser, "return document.body.dataset.state")));
        await(TIMEOUT, "its settings shown", () -> "Friday seminar".equals(browser.findElement(By.id("room-title")).getAttribute("value")));
        assertThat(new JsonObject(TestSupport.send(server, "GET", "/api/rooms/seminar", null, null).body()).getString("status"))
                .isEqualTo("scheduled");

        browser.findElement(By.id("room-limit")).clear();
        browser.findElement(By.id("room-limit")).sendKeys("12");
        browser.findElement(By.id("room-save")).click();
        Awaitility.await("the limit saved").atMost(TIMEOUT).until(() -> new JsonObject(TestSupport.send(server, "GET",
                "/api/rooms/seminar", admin, null).body()).getInteger("speakerLimit") == 12);

        WebElement end = browser.findElement(By.id("end-event"));
        end.click();
        end.click();
        Awaitility.await("the event ended").atMost(TIMEOUT).until(() -> new JsonObject(TestSupport.send(server, "GET",
                "/api/rooms/seminar", null, null).body()).getString("status").equals("ended"));
        await(TIMEOUT, "the console says so", () -> "ended".equals(browser.findElement(By.id("room-status")).getText()));
    }
}
