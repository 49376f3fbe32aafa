package dev.amphi.server;

import static dev.amphi.server.TestSupport.await;
import static dev.amphi.server.TestSupport.httpUrl;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * Speakers join a composited room from the speaker page in headless Chromium over WebRTC (its own
 * WebRTC stack, fake camera and microphone playing a coloured picture and a tone): each one's
 * tile appears in the room's HLS program and its tone in the mix, and each hears the other through
 * the real-time return path but not themself, and sees the composited program.
 */
class WebRtcSpeakerBrowserTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String KEY = "panel-stream-key-0123";
    private static final int RED = 0xff0000;
    private static final int BLUE = 0x0000ff;

    @TempDir
    static Path dir;
    static AmphiServer server;
    static final List<WebDriver> browsers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        fixture("color=c=red:s=320x240:r=30", "red.y4m");
        fixture("color=c=blue:s=320x240:r=30", "blue.y4m");
        fixture("sine=frequency=440:sample_rate=48000", "tone440.wav");
        fixture("sine=frequency=1320:sample_rate=48000", "tone1320.wav");
        server = TestSupport.start(dir.resolve("data"), "--room-mode", "composite", "--room", "panel=" + KEY,
                "--canvas", "640x360", "--ladder", "360p:640x360:800k", "--preset", "ultrafast", "--segment-duration", "1s");
    }

    /** A 2 s clip (Chromium loops it) made with the ffmpeg CLI from a lavfi source. */
    private static void fixture(String source, String name) throws Exception {
        Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", source, "-t", "2",
                name.endsWith(".y4m") ? "-pix_fmt" : "-ac", name.endsWith(".y4m") ? "yuv420p" : "1", dir.resolve(name).toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("ffmpeg made %s: %s", name, out).isTrue();
    }

    @AfterAll
    static void stop() {
        browsers.forEach(WebDriver::quit);
        if (server != null) {
            server.close();
        }
    }

    /** A browser whose camera shows {@code video} and whose microphone plays {@code audio}, joined as {@code name}. */
    private static WebDriver join(String name, String video, String audio) throws Exception {
        List<String> flags = new ArrayList<>(List.of(Chromium.FAKE_MEDIA));
        flags.add("--use-file-for-fake-video-capture=" + dir.resolve(video));
        flags.add("--use-file-for-fake-audio-capture=" + dir.resolve(audio));
        WebDriver b = Chromium.open(dir.resolve("profile-" + name), flags.toArray(String[]::new));
        browsers.add(b);
        b.get(httpUrl(server, "/join/panel"));
        b.findElement(By.id("name")).sendKeys(name);
        b.findElement(By.id("key")).sendKeys(KEY);
        b.findElement(By.id("join")).click();
        await(TIMEOUT, name + " joined", () -> "joined".equals(Chromium.js(b, "return document.body.dataset.state;")));
        return b;
    }

    /**
     * The level in dBFS at {@code freqs} of what the page plays from the room (the program's audio),
     * read by a WebAudio analyser over about a second.
     */
    @SuppressWarnings("unchecked")
    private static List<Double> heard(WebDriver b, double... freqs) {
        Object r = ((org.openqa.selenium.JavascriptExecutor) b).executeAsyncScript("""
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
                """, List.of(freqs[0], freqs[1]));
        return ((List<Number>) r).stream().map(Number::doubleValue).toList();
    }

    /** Whether the program video in the page shows a patch of {@code rgb} covering at least 1% of it. */
    private static boolean sees(WebDriver b, int rgb) {
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
                return n * 100 >= d.length / 16;
                """, rgb);
        return Boolean.TRUE.equals(r);
    }

    @Test
    void browserSpeakersAreInTheProgramAndHearEachOtherButNotThemselves() throws Exception {
        WebDriver red = join("Red", "red.y4m", "tone440.wav");
        await(TIMEOUT, "Red's tile in the HLS program", () -> hlsShows(RED));
        await(TIMEOUT, "Red sees the program back, with its own tile", () -> sees(red, RED));

        WebDriver blue = join("Blue", "blue.y4m", "tone1320.wav");
        await(TIMEOUT, "both tiles in the HLS program", () -> hlsShows(RED) && hlsShows(BLUE));
        await(TIMEOUT, "both tones in the HLS program's mix", () -> {
            double[] p = hlsTones(440, 1320, 2000);
            return p[0] > 20 * p[2] && p[1] > 20 * p[2];
        });
        await(TIMEOUT, "Blue sees both tiles in real time", () -> sees(blue, RED) && sees(blue, BLUE));

        // each hears the other's tone, and not their own (mix-minus); the browser's noise suppression
        // takes a steady tone down to about -65 dB here, while a tone left out reads about -130 dB
        await(TIMEOUT, "Blue hears Red (440 Hz) and not itself (1320 Hz)", () -> {
            List<Double> l = heard(blue, 440, 1320);
            return l.get(0) > -85 && l.get(1) < l.get(0) - 30;
        });
        await(TIMEOUT, "Red hears Blue (1320 Hz) and not itself (440 Hz)", () -> {
            List<Double> l = heard(red, 440, 1320);
            return l.get(1) > -85 && l.get(0) < l.get(1) - 30;
        });
        assertThat(server.programRooms().stream().filter(p -> p.room().name().equals("panel")).findFirst()
                .flatMap(ProgramRoom::program).orElseThrow().speakers()).contains("red", "blue");
        assertThat(server.webrtc().calls()).hasSize(2);
        String metrics = TestSupport.get(httpUrl(server, "/metrics")).body();
        assertThat(metrics).contains("amphi_webrtc_sessions{kind=\"speaker\"} 2.0", "amphi_interactive_subscribers{room=\"panel\"} 2.0");
        java.util.regex.Matcher in = java.util.regex.Pattern.compile("amphi_webrtc_packets_total\\{direction=\"in\"} ([0-9.E]+)")
                .matcher(metrics);
        assertThat(in.find()).as("WebRTC packets in /metrics").isTrue();
        assertThat(Double.parseDouble(in.group(1))).isGreaterThan(100);
    }

    /**
     * The power at each of {@code freqs} (Goertzel) in about a second of the room's HLS audio,
     * read by FFmpeg's HLS demuxer; zeros when it cannot be read yet.
     */
    private static double[] hlsTones(double... freqs) {
        double[] power = new double[freqs.length];
        try {
            FFmpegFrameGrabber g = new FFmpegFrameGrabber(httpUrl(server, "/live/panel/master.m3u8"));
            g.setSampleFormat(avutil.AV_SAMPLE_FMT_FLT);
            g.setOption("rw_timeout", "10000000");
            try {
                g.start();
                int rate = g.getSampleRate();
                List<Float> mono = new ArrayList<>();
                Frame f;
                while (mono.size() < rate && (f = g.grabSamples()) != null) {
                    java.nio.FloatBuffer b = (java.nio.FloatBuffer) f.samples[0];
                    for (int i = 0; i < b.limit(); i += f.audioChannels) {
                        mono.add(b.get(i));
                    }
                }
                for (int k = 0; k < freqs.length; k++) {
                    double w = 2 * Math.PI * freqs[k] / rate;
                    double s1 = 0;
                    double s2 = 0;
                    for (float x : mono) {
                        double s0 = x + 2 * Math.cos(w) * s1 - s2;
                        s2 = s1;
                        s1 = s0;
                    }
                    power[k] = (s1 * s1 + s2 * s2 - 2 * Math.cos(w) * s1 * s2) / Math.max(1, mono.size());
                }
            } finally {
                g.stop();
                g.release();
            }
        } catch (Exception e) {
            java.util.Arrays.fill(power, 0);
        }
        return power;
    }

    /** Whether the room's HLS program (FFmpeg's HLS demuxer) shows a patch of {@code rgb}. */
    private static boolean hlsShows(int rgb) {
        try {
            FFmpegFrameGrabber g = new FFmpegFrameGrabber(httpUrl(server, "/live/panel/master.m3u8"));
            g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
            g.setOption("rw_timeout", "10000000");
            try {
                g.start();
                Frame f;
                int seen = 0;
                while ((f = g.grabImage()) != null) {
                    if (++seen == 5) {
                        return CompositeRoomTest.centroidX(f, rgb) >= 0;
                    }
                }
                return false;
            } finally {
                g.stop();
                g.release();
            }
        } catch (Exception e) {
            return false;
        }
    }
}
