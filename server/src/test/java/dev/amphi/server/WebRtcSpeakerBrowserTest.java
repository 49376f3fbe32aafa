package dev.amphi.server;

import static dev.amphi.server.TestSupport.await;
import static dev.amphi.server.TestSupport.httpUrl;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    static WebRtcBrowsers browsers;

    @BeforeAll
    static void start() throws Exception {
        WebRtcBrowsers.fixture(dir, "color=c=red:s=320x240:r=30", "red.y4m");
        WebRtcBrowsers.fixture(dir, "color=c=blue:s=320x240:r=30", "blue.y4m");
        WebRtcBrowsers.fixture(dir, "sine=frequency=440:sample_rate=48000", "tone440.wav");
        WebRtcBrowsers.fixture(dir, "sine=frequency=1320:sample_rate=48000", "tone1320.wav");
        server = WebRtcBrowsers.compositeRoom(dir, "panel", KEY, "1s");
        browsers = new WebRtcBrowsers(server, dir, "panel", KEY);
    }

    @AfterAll
    static void stop() {
        WebRtcBrowsers.closeAll(browsers, server);
    }

    @Test
    void browserSpeakersAreInTheProgramAndHearEachOtherButNotThemselves() throws Exception {
        WebDriver red = browsers.speaker("Red", "red.y4m", "tone440.wav");
        await(TIMEOUT, "Red's tile in the HLS program", () -> browsers.hlsShows(RED));
        await(TIMEOUT, "Red sees the program back, with its own tile", () -> WebRtcBrowsers.sees(red, RED, 1));

        WebDriver blue = browsers.speaker("Blue", "blue.y4m", "tone1320.wav");
        await(TIMEOUT, "both tiles in the HLS program", () -> browsers.hlsShows(RED) && browsers.hlsShows(BLUE));
        await(TIMEOUT, "both tones in the HLS program's mix", () -> {
            double[] p = hlsTones(440, 1320, 2000);
            return p[0] > 20 * p[2] && p[1] > 20 * p[2];
        });
        await(TIMEOUT, "Blue sees both tiles in real time", () -> WebRtcBrowsers.sees(blue, RED, 1) && WebRtcBrowsers.sees(blue, BLUE, 1));

        // each hears the other's tone, and not their own (mix-minus); the browser's noise suppression
        // takes a steady tone down to about -65 dB here, while a tone left out reads about -130 dB
        await(TIMEOUT, "Blue hears Red (440 Hz) and not itself (1320 Hz)", () -> {
            List<Double> l = WebRtcBrowsers.heard(blue, 440, 1320);
            return l.get(0) > -85 && l.get(1) < l.get(0) - 30;
        });
        await(TIMEOUT, "Red hears Blue (1320 Hz) and not itself (440 Hz)", () -> {
            List<Double> l = WebRtcBrowsers.heard(red, 440, 1320);
            return l.get(1) > -85 && l.get(0) < l.get(1) - 30;
        });
        assertThat(server.programRooms().stream().filter(p -> p.room().name().equals("panel")).findFirst()
                .flatMap(ProgramRoom::program).orElseThrow().speakers()).contains("red", "blue");
        assertThat(server.webrtc().calls()).hasSize(2);
        String metrics = TestSupport.get(httpUrl(server, "/metrics")).body();
        assertThat(metrics).contains("amphi_webrtc_sessions{kind=\"speaker\"} 2.0", "amphi_interactive_subscribers{room=\"panel\"} 2.0");
        assertThat(metrics).containsPattern("(?m)^amphi_webrtc_socket_drops_total [0-9.E]+$")
                .containsPattern("(?m)^amphi_webrtc_nack_skipped_total [0-9.E]+$");
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


}
