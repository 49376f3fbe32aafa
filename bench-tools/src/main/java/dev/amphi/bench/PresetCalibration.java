package dev.amphi.bench;

import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.encode.EncoderSettings;
import dev.amphi.transcode.encode.LadderEncoder;
import dev.amphi.transcode.encode.PresetChooser.Choice;
import dev.amphi.transcode.encode.Rung;
import dev.amphi.transcode.encode.VideoCodec;
import dev.amphi.transcode.frame.Picture;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Calibrates the x264 preset on this machine: encodes about one second of a moving test canvas
 * through the real ladder with each candidate, slowest first, and takes the first that runs at
 * least {@value #REQUIRED_SPEED}× real time. A room takes its preset from the core count
 * ({@code PresetChooser.byCores}); this tells whether this machine could afford a slower one.
 *
 * <p>Run: {@code java -cp bench-tools/target/amphi-bench.jar dev.amphi.bench.PresetCalibration [WxH]}
 * (default 1920x1080 and the default ladder).
 */
public final class PresetCalibration {

    /** Real-time factor a preset must reach: headroom for decoding and compositing. */
    public static final double REQUIRED_SPEED = 1.5;

    /** Candidates, slowest (best quality per bit) first. */
    public static final List<String> CANDIDATES = List.of("veryfast", "superfast", "ultrafast");

    private PresetCalibration() {
    }

    public static void main(String[] args) {
        String[] size = (args.length > 0 ? args[0] : "1920x1080").split("x");
        int w = Integer.parseInt(size[0]);
        int h = Integer.parseInt(size[1]);
        List<Rung> rungs = Rung.defaults().stream().filter(r -> r.width() <= w && r.height() <= h).toList();
        Choice c = calibrate(w, h, rungs, EncoderSettings.x264("medium", 30, 60));
        System.out.println("x264 preset " + c.preset() + ": " + c.reason());
    }

    /**
     * The first of {@code slowestFirst} whose measured speed (real-time factor) is at least
     * {@code required}; when none is, the last (fastest) one.
     */
    public static Choice pick(List<String> slowestFirst, ToDoubleFunction<String> speed, double required) {
        if (slowestFirst.isEmpty()) {
            throw new IllegalArgumentException("no candidate presets");
        }
        StringBuilder measured = new StringBuilder();
        for (String preset : slowestFirst) {
            double rtf = speed.applyAsDouble(preset);
            measured.append(measured.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.2fx", preset, rtf));
            if (rtf >= required) {
                return new Choice(preset, "calibrated: " + measured + " real time (need " + required + "x)");
            }
        }
        String fastest = slowestFirst.get(slowestFirst.size() - 1);
        return new Choice(fastest, "calibrated: " + measured + " real time, none reaches " + required + "x; using the fastest");
    }

    /**
     * Calibrates on this machine: encodes up to one second ({@code base.fps()} frames) of a moving
     * {@code canvasW x canvasH} test canvas through a {@link LadderEncoder} of {@code rungs} with
     * each candidate preset, stopping a candidate as soon as it cannot reach
     * {@value #REQUIRED_SPEED}× any more. Takes about 2 s at most per candidate.
     */
    public static Choice calibrate(int canvasW, int canvasH, List<Rung> rungs, EncoderSettings base) {
        if (base.codec() != VideoCodec.LIBX264) {
            return new Choice(base.preset(), base.codec().ffmpegName() + " is not calibrated; keeping its preset");
        }
        return pick(CANDIDATES, preset -> speedOf(canvasW, canvasH, rungs, base.withPreset(preset)), REQUIRED_SPEED);
    }

    /** Real-time factor of the ladder with these settings, measured over at most one media second. */
    static double speedOf(int canvasW, int canvasH, List<Rung> rungs, EncoderSettings s) {
        int frames = s.fps();
        long tick = MediaPacket.TIMESCALE / s.fps();
        long budget = (long) (TimeUnit.SECONDS.toNanos(1) / REQUIRED_SPEED);
        long start = 0;
        long end = 0;
        int done = 0;
        try (LadderEncoder ladder = new LadderEncoder("calibration", canvasW, canvasH, rungs, s, (rung, p) -> { });
             Picture canvas = Picture.allocate(canvasW, canvasH)) {
            start = System.nanoTime(); // opening the encoders is not part of the steady state
            for (int i = 0; i < frames; i++) {
                drawTestCanvas(canvas, i);
                while (!ladder.encode(canvas, i * tick, false)) {
                    if (!ladder.awaitIdle(2, TimeUnit.SECONDS) || System.nanoTime() - start > 2 * budget) {
                        break;
                    }
                }
                done = i + 1;
                if (System.nanoTime() - start > budget) {
                    break; // already too slow to reach the required speed
                }
            }
            ladder.awaitIdle(5, TimeUnit.SECONDS);
            end = System.nanoTime();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end = System.nanoTime();
        }
        double seconds = Math.max(1e-9, (end - start) / 1e9);
        return (done / (double) s.fps()) / seconds;
    }

    /** A moving pattern of blocks, so the encoder has motion and detail to code. */
    private static void drawTestCanvas(Picture canvas, int i) {
        int w = canvas.width();
        int h = canvas.height();
        canvas.fill(40, 128, 128);
        int cols = 8;
        int tileW = (w / cols) & ~1;
        int tileH = (h / 6) & ~1;
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < 6; r++) {
                int luma = 30 + ((c * 37 + r * 53 + i * 3) % 190);
                int x = (c * tileW + (i * 6 + r * 10) % Math.max(2, tileW / 2)) & ~1;
                int bw = Math.min(tileW / 2, w - x) & ~1;
                if (bw > 0) {
                    canvas.fillRect(x, r * tileH, bw, tileH / 2 & ~1, luma, 80 + c * 12, 170 - r * 10);
                }
            }
        }
    }
}
