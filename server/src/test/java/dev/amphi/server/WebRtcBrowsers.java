package dev.amphi.server;

import static dev.amphi.server.TestSupport.await;
import static dev.amphi.server.TestSupport.httpUrl;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * Headless Chromium speakers on the speaker page for the WebRTC browser tests: fake camera and
 * microphone clips made with the ffmpeg CLI, joining, what a page sees and hears of the program,
 * its WebRTC counters, and whether the HLS program shows a colour.
 */
final class WebRtcBrowsers implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final AmphiServer server;
    private final Path dir;
    private final String room;
    private final String key;
    private final List<WebDriver> browsers = new ArrayList<>();

    WebRtcBrowsers(AmphiServer server, Path dir, String room, String key) {
        this.server = server;
        this.dir = dir;
        this.room = room;
        this.key = key;
    }

    /**
     * A server with one small composited room {@code room} (640x360 canvas, one 360p rung,
     * ultrafast) for browser speakers, its data under {@code dir}, segments of {@code segment}.
     */
    static AmphiServer compositeRoom(Path dir, String room, String key, String segment) throws Exception {
        return TestSupport.start(dir.resolve("data"), "--room-mode", "composite", "--room", room + "=" + key,
                "--canvas", "640x360", "--ladder", "360p:640x360:800k", "--preset", "ultrafast", "--segment-duration", segment);
    }

    /** Closes the browsers, then the server (either may be null: a start that failed half way). */
    static void closeAll(WebRtcBrowsers browsers, AmphiServer server) {
        if (browsers != null) {
            browsers.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** A 2 s clip (Chromium loops it) made with the ffmpeg CLI from a lavfi source, e.g. {@code color=c=red:s=320x240:r=30}. */
    static void fixture(Path dir, String source, String name) throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", source, "-t", "2",
                name.endsWith(".y4m") ? "-pix_fmt" : "-ac", name.endsWith(".y4m") ? "yuv420p" : "1", dir.resolve(name).toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("ffmpeg made %s: %s", name, out).isTrue();
    }

    /** A browser on the speaker page whose camera shows the clip {@code video} and whose microphone plays {@code audio}. */
    WebDriver open(String profile, String video, String audio, String... flags) {
        List<String> all = new ArrayList<>(List.of(Chromium.FAKE_MEDIA));
        all.add("--use-file-for-fake-video-capture=" + dir.resolve(video));
        all.add("--use-file-for-fake-audio-capture=" + dir.resolve(audio));
        all.addAll(List.of(flags));
        WebDriver b = Chromium.open(dir.resolve("profile-" + profile), all.toArray(String[]::new));
        browsers.add(b);
        b.get(httpUrl(server, "/join/" + room));
        return b;
    }

    /** Fills in name and key, ticks "just listen" when {@code listen}, and joins; waits until the page says joined. */
    static void join(WebDriver b, String name, String key, boolean listen) throws InterruptedException {
        b.findElement(By.id("name")).sendKeys(name);
        b.findElement(By.id("key")).sendKeys(key);
        if (listen) {
            b.findElement(By.id("listen-only")).click();
        }
        b.findElement(By.id("join")).click();
        try {
            await(TIMEOUT, name + " joined", () -> "joined".equals(state(b)));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(name + " did not join: the page is " + state(b) + ", status '"
                    + b.findElement(By.id("status")).getText() + "', error '" + b.findElement(By.id("error")).getText() + "'", e);
        }
    }

    /** A speaker joined as {@code name}. */
    WebDriver speaker(String name, String video, String audio, String... flags) throws InterruptedException {
        WebDriver b = open(name, video, audio, flags);
        join(b, name, key, false);
        return b;
    }

    /** The page's data-state: idle, joining, joined, reconnecting or error. */
    static String state(WebDriver b) {
        return (String) Chromium.js(b, "return document.body.dataset.state;");
    }

    /**
     * Chromium's own counters of the main session's video ({@code RTCPeerConnection.getStats}):
     * keys {@code inbound-rtp.NAME} and {@code outbound-rtp.NAME} for framesDecoded, keyFramesDecoded,
     * nackCount, pliCount, framesEncoded, keyFramesEncoded, retransmittedPacketsSent, retransmittedPacketsReceived.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Long> videoStats(WebDriver b) {
        Object r = ((JavascriptExecutor) b).executeAsyncScript("""
                var done = arguments[arguments.length - 1], pc = window.amphiJoin.pc, out = {};
                if (!pc) { done(out); return; }
                pc.getStats().then(function (report) {
                  report.forEach(function (s) {
                    if (s.kind !== 'video' || (s.type !== 'inbound-rtp' && s.type !== 'outbound-rtp')) return;
                    ['framesDecoded', 'keyFramesDecoded', 'nackCount', 'pliCount', 'framesEncoded', 'keyFramesEncoded',
                     'retransmittedPacketsSent', 'retransmittedPacketsReceived'].forEach(function (k) {
                      if (typeof s[k] === 'number') out[s.type + '.' + k] = (out[s.type + '.' + k] || 0) + s[k];
                    });
                  });
                  done(out);
                }, function () { done(out); });
                """);
        Map<String, Object> m = (Map<String, Object>) r;
        Map<String, Long> out = new java.util.TreeMap<>();
        m.forEach((k, v) -> out.put(k, ((Number) v).longValue()));
        return out;
    }

    static long stat(WebDriver b, String name) {
        return videoStats(b).getOrDefault(name, 0L);
    }

    /**
     * Starts watching the counters of {@link #videoStats} in the page every 50 ms; {@link #firstRise}
     * then says when one rose, in the page's clock.
     */
    static void watchStats(WebDriver b) {
        Chromium.js(b, """
                window.amphiTestRises = [];
                var last = {};
                clearInterval(window.amphiTestWatch);
                window.amphiTestWatch = setInterval(function () {
                  var pc = window.amphiJoin.pc;
                  if (!pc) return;
                  pc.getStats().then(function (report) {
                    var now = performance.now(), cur = {};
                    report.forEach(function (s) {
                      if (s.kind !== 'video' || (s.type !== 'inbound-rtp' && s.type !== 'outbound-rtp')) return;
                      ['keyFramesDecoded', 'pliCount', 'keyFramesEncoded', 'nackCount'].forEach(function (k) {
                        if (typeof s[k] === 'number') cur[s.type + '.' + k] = (cur[s.type + '.' + k] || 0) + s[k];
                      });
                    });
                    Object.keys(cur).forEach(function (k) {
                      if (k in last && cur[k] > last[k]) window.amphiTestRises.push({ key: k, t: now });
                      last[k] = cur[k];
                    });
                  });
                }, 50);
                """);
    }

    /** When (page ms) the counter {@code key} first rose at or after {@code since} since {@link #watchStats}; -1 if not yet. */
    @SuppressWarnings("unchecked")
    static double firstRise(WebDriver b, String key, double since) {
        List<Map<String, Object>> rises = (List<Map<String, Object>>) Chromium.js(b, "return window.amphiTestRises || [];");
        return rises.stream().filter(r -> key.equals(r.get("key")))
                .mapToDouble(r -> ((Number) r.get("t")).doubleValue()).filter(t -> t >= since).min().orElse(-1);
    }

    /** The page's clock ({@code performance.now()}, ms). */
    static double now(WebDriver b) {
        return ((Number) Chromium.js(b, "return performance.now();")).doubleValue();
    }

    /**
     * The level in dBFS at {@code freqs} of what the page plays from the room (the program's audio),
     * read by a WebAudio analyser over about a second.
     */
    @SuppressWarnings("unchecked")
    static List<Double> heard(WebDriver b, double... freqs) {
        Object r = ((JavascriptExecutor) b).executeAsyncScript("""
                var freqs = arguments[0], done = arguments[arguments.length - 1];
                var v = document.getElementById('program');
                var ctx = new AudioContext();
                var an = ctx.createAnalyser();
                an.fftSize = 8192;
                an.smoothingTimeConstant = 0.8;
                ctx.createMediaStreamSource(v.srcObject).connect(an);
                ctx.resume();
                setTimeout(function () {
                  var d = new Float32Array(an.frequencyBinCount);
                  an.getFloatFrequencyData(d);
                  var hz = ctx.sampleRate / an.fftSize;
                  done(freqs.map(function (f) {
                    var i = Math.round(f / hz), m = -200;
                    for (var k = i - 2; k <= i + 2; k++) m = Math.max(m, d[k]);
                    return m;
                  }));
                  ctx.close();
                }, 1200);
                """, java.util.Arrays.stream(freqs).boxed().toList());
        return ((List<Number>) r).stream().map(Number::doubleValue).toList();
    }

    /** Whether the program video in the page shows a patch of {@code rgb} covering at least {@code percent}% of it. */
    static boolean sees(WebDriver b, int rgb, int percent) {
        Object r = Chromium.js(b, """
                var v = document.getElementById('program');
                if (!v.videoWidth) return false;
                var c = document.createElement('canvas');
                c.width = v.videoWidth; c.height = v.videoHeight;
                var g = c.getContext('2d');
                g.drawImage(v, 0, 0);
                var d = g.getImageData(0, 0, c.width, c.height).data, n = 0, rgb = arguments[0];
                for (var i = 0; i < d.length; i += 16) {
                  if (Math.abs(d[i] - (rgb >> 16 & 255)) < 70 && Math.abs(d[i + 1] - (rgb >> 8 & 255)) < 70
                      && Math.abs(d[i + 2] - (rgb & 255)) < 70) n++;
                }
                return n * 100 >= d.length / 16 * arguments[1];
                """, rgb, percent);
        return Boolean.TRUE.equals(r);
    }

    /** The first five pictures of the room's HLS program (FFmpeg's HLS demuxer), BGR; null when it cannot be read now. */
    Frame hlsPicture() {
        try {
            FFmpegFrameGrabber g = new FFmpegFrameGrabber(httpUrl(server, "/live/" + room + "/master.m3u8"));
            g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
            g.setOption("rw_timeout", "10000000");
            try {
                g.start();
                Frame f;
                int seen = 0;
                while ((f = g.grabImage()) != null) {
                    if (++seen == 5) {
                        return f.clone();
                    }
                }
                return null;
            } finally {
                g.stop();
                g.release();
            }
        } catch (Exception e) {
            return null;
        }
    }

    /** Whether the room's HLS program shows a patch of {@code rgb}. */
    boolean hlsShows(int rgb) {
        Frame f = hlsPicture();
        return f != null && CompositeRoomTest.centroidX(f, rgb) >= 0;
    }

    /** The room's program. */
    ProgramRoom program() {
        return server.programRooms().stream().filter(p -> p.room().name().equals(room)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        browsers.forEach(WebDriver::quit);
    }
}
