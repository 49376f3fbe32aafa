package dev.amphi.bench;

import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import dev.amphi.transcode.OfflineClock;
import dev.amphi.transcode.ProgramClock;
import dev.amphi.transcode.ProgramOutput;
import dev.amphi.transcode.ProgramStats;
import dev.amphi.transcode.RoomProgram;
import dev.amphi.transcode.encode.Rung;
import dev.amphi.transcode.video.TileShortcuts;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * The compositing benchmark's Amphi side ({@code bench/compose.sh}): runs one room program offline,
 * as fast as the machine allows, over recorded speakers.
 *
 * <p>Inputs (environment, as {@code bench/compose.sh} sets them): {@code AMPHI_BENCH_INPUTS} (a
 * file listing the visible speakers' MP4s, then audio-only M4As), {@code AMPHI_BENCH_VISIBLE},
 * {@code AMPHI_BENCH_SECONDS} (program seconds produced, all of them), {@code AMPHI_BENCH_PRESET},
 * {@code AMPHI_BENCH_RUNGS}, {@code AMPHI_BENCH_FPS}, {@code AMPHI_BENCH_CANVAS},
 * {@code AMPHI_BENCH_ENCODER_THREADS} (per rung, default 0: the encoder decides),
 * {@code AMPHI_BENCH_SHORTCUTS} (the tiles' savings kept, {@link Shortcuts#parse}: default
 * {@code all}, {@code none} for the full-quality path), {@code AMPHI_BENCH_LABELS} ({@code 0}: no
 * names on the tiles, so that the canvas compares with one drawn without them),
 * {@code AMPHI_BENCH_PSNR_SECONDS} and {@code AMPHI_BENCH_OUT} (what to capture, see below) and
 * {@code AMPHI_BENCH_WARMUP} (program seconds before this process's own measuring window, default 0).
 *
 * <p>Every input is read from disk as the program runs and loops, as the FFmpeg CLI's
 * {@code -stream_loop -1}. For each program frame, every speaker's packets up to that time (plus the
 * jitter buffer) are demuxed and decoded on a pool of one thread per core while the previous frame
 * is composited, mixed and handed to the ladder, which encodes on its own threads, as in a live
 * room. Nothing is dropped: the program runs on an {@link OfflineClock}, which waits for the ladder instead.
 *
 * <p>Output: {@code ALIGN delay_frames=D}: program frame {@code n + D} shows the inputs' frame
 * {@code n} (the jitter buffer and the inputs' decode delay); with PSNR seconds and an output
 * directory, {@code canvas.y4m} and {@code <rung>.h264} there hold the first {@code D + PSNR
 * seconds} of program. {@code bench/compose.sh} measures CPU and wall time from outside the
 * process; the lines {@code RESULT rtf=… cpu_s_per_program_s=…} (this process's own view of the
 * program after {@code AMPHI_BENCH_WARMUP}) and {@code THREADS} (CPU per thread group) are a
 * cross-check and a breakdown.
 *
 * <p>Run: {@code java -jar bench-tools/target/amphi-bench.jar} (built by {@code mvn package}).
 */
public final class ProgramBench {

    /** The program's jitter buffer (the room default): packets are fed this far ahead of the frame. */
    private static final Duration JITTER = Duration.ofMillis(200);

    private ProgramBench() {
    }

    /** One speaker: its id in the room and its file. */
    private record Input(String id, BenchInput file) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        Path list = Path.of(required(env, "AMPHI_BENCH_INPUTS"));
        int visible = Integer.parseInt(env.getOrDefault("AMPHI_BENCH_VISIBLE", "0"));
        double seconds = Double.parseDouble(env.getOrDefault("AMPHI_BENCH_SECONDS", "20"));
        double warmup = Double.parseDouble(env.getOrDefault("AMPHI_BENCH_WARMUP", "0"));
        String preset = env.getOrDefault("AMPHI_BENCH_PRESET", "ultrafast");
        int fps = Integer.parseInt(env.getOrDefault("AMPHI_BENCH_FPS", "30"));
        String[] canvas = env.getOrDefault("AMPHI_BENCH_CANVAS", "1920x1080").split("x");
        int width = Integer.parseInt(canvas[0]);
        int height = Integer.parseInt(canvas[1]);
        TileShortcuts shortcuts = Shortcuts.parse(env.getOrDefault("AMPHI_BENCH_SHORTCUTS", "all"));
        boolean labels = !"0".equals(env.getOrDefault("AMPHI_BENCH_LABELS", "1"));
        List<Rung> rungs = new ArrayList<>();
        for (String r : env.getOrDefault("AMPHI_BENCH_RUNGS", "").split(",")) {
            if (!r.isBlank()) {
                rungs.add(Rung.parse(r));
            }
        }
        if (rungs.isEmpty()) {
            rungs = Rung.defaults();
        }
        if (seconds <= 0 || warmup < 0) {
            throw new IllegalArgumentException("AMPHI_BENCH_SECONDS must be > 0 and AMPHI_BENCH_WARMUP >= 0, got "
                    + seconds + " and " + warmup);
        }
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);

        List<String> paths = Files.readAllLines(list).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        List<Input> inputs = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            inputs.add(new Input((i < visible ? "v" : "a") + i, new BenchInput(Path.of(paths.get(i)))));
        }
        // program frame n + delay shows the inputs' frame n: a speaker's first packet is placed at
        // "program now (0) + jitter", and pictures come a decode delay after their first packet
        long frameTicks = MediaPacket.TIMESCALE / fps;
        long jitter = JITTER.toNanos() * 9 / 100_000;
        long delayTicks = inputs.stream().limit(Math.max(1, visible)).mapToLong(in -> jitter - in.file().firstDts())
                .max().orElse(jitter);
        long delay = (delayTicks + frameTicks - 1) / frameTicks;
        System.out.printf(Locale.ROOT, "opened %d inputs (%d visible); shortcuts %s, labels %s%n", inputs.size(), visible,
                shortcuts, labels ? "on" : "off");

        double psnrSeconds = Double.parseDouble(env.getOrDefault("AMPHI_BENCH_PSNR_SECONDS", "0"));
        String outDir = env.get("AMPHI_BENCH_OUT");
        BenchCapture capture = psnrSeconds > 0 && outDir != null && !outDir.isBlank()
                ? new BenchCapture(Path.of(outDir), width, height, fps, delay + Math.round(psnrSeconds * fps),
                        rungs.stream().map(Rung::name).toList(), true)
                : null;
        AtomicLong bytesOut = new AtomicLong();
        ProgramOutput out = new ProgramOutput() {
            @Override
            public MediaSink video(int index) {
                return packet -> {
                    bytesOut.addAndGet(packet.data().length);
                    if (capture != null) {
                        capture.rung(index, packet);
                    }
                };
            }

            @Override
            public MediaSink audio() {
                return packet -> bytesOut.addAndGet(packet.data().length);
            }
        };
        int cores = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(cores, r -> {
            Thread t = new Thread(r, "bench-decode");
            t.setDaemon(true);
            return t;
        });
        OfflineClock clock = ProgramClock.offline().tileShortcuts(shortcuts).labels(labels);
        long[] tapNanos = new long[2]; // wall, CPU of the program thread
        var threads = ManagementFactory.getThreadMXBean();
        if (capture != null) {
            clock.canvasTap(c -> {
                long w0 = System.nanoTime();
                long c0 = threads.getCurrentThreadCpuTime();
                capture.canvas(c);
                tapNanos[0] += System.nanoTime() - w0;
                tapNanos[1] += threads.getCurrentThreadCpuTime() - c0;
            });
        }
        RoomProgram program = RoomProgram.builder("bench")
                .canvas(width, height)
                .fps(fps)
                .ladder(rungs)
                .preset(preset)
                .encoderThreads(Integer.parseInt(env.getOrDefault("AMPHI_BENCH_ENCODER_THREADS", "0")))
                .jitterBuffer(JITTER)
                .output(out)
                .decodeExecutor(pool)
                .clock(clock)
                .build();
        for (Input in : inputs) {
            program.join(in.id, in.id);
        }
        program.start();
        long frames = Math.round(seconds * fps);
        long measureFrom = Math.min(frames, Math.round(warmup * fps));

        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Map<String, Long> ticks0 = threadTicks();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        // as in a live room, decoding runs beside the program thread: the packets due for frame
        // n + 1 decode while frame n is composited, mixed and handed to the ladder
        List<Future<Void>> pending = feed(pool, clock, inputs, jitter);
        for (long n = 0; n < frames; n++) {
            for (Future<Void> f : pending) {
                f.get();
            }
            pending = feed(pool, clock, inputs, (n + 1) * frameTicks + jitter);
            clock.tick();
            if (n + 1 == measureFrom) {
                ticks0 = threadTicks();
                cpu0 = os.getProcessCpuTime();
                t0 = System.nanoTime();
                tapNanos[0] = 0;
                tapNanos[1] = 0;
            }
        }
        for (Future<Void> f : pending) {
            f.get();
        }
        Map<String, Long> ticks1 = threadTicks(); // before the flush: the encoders' threads end with it
        clock.finish();
        long wall = System.nanoTime() - t0 - tapNanos[0];
        long cpu = os.getProcessCpuTime() - cpu0 - tapNanos[1];
        if (capture != null) {
            capture.close();
        }
        ProgramStats stats = program.stats();
        program.close();
        pool.shutdownNow();
        inputs.forEach(in -> in.file().close());
        System.out.printf(Locale.ROOT, "ALIGN delay_frames=%d%n", delay);
        double programSeconds = (frames - measureFrom) / (double) fps;
        System.out.printf(Locale.ROOT, "program %.1f s (%.1f s measured here) in %.1f s wall, %.1f CPU-s on %d cores; %s;"
                + " %d KiB out%n", frames / (double) fps, programSeconds, wall / 1e9, cpu / 1e9, cores, stats,
                bytesOut.get() / 1024);
        if (programSeconds > 0) {
            printThreads(ticks0, ticks1, programSeconds);
            System.out.printf(Locale.ROOT, "RESULT rtf=%.3f cpu_s_per_program_s=%.3f%n", programSeconds / (wall / 1e9),
                    cpu / 1e9 / programSeconds);
        }
        System.exit(0);
    }

    /** CPU ticks (user + system) of each thread of this process, by "tid name"; empty where /proc is not there. */
    private static Map<String, Long> threadTicks() {
        Map<String, Long> ticks = new java.util.HashMap<>();
        try (var tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : tasks) {
                try {
                    String name = Files.readString(t.resolve("comm")).strip();
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.put(t.getFileName() + " " + name, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // not Linux: no per-thread figures
        }
        return ticks;
    }

    /**
     * Prints the window's CPU per thread group (numbers in names folded), CPU-s per program-s, as
     * {@code THREADS <group> <value>} lines: where the time went, for bench/README.md. Threads
     * that ended within the window are missing.
     */
    private static void printThreads(Map<String, Long> before, Map<String, Long> after, double programSeconds) {
        Map<String, Long> groups = new java.util.TreeMap<>();
        after.forEach((key, t) -> {
            String group = key.substring(key.indexOf(' ') + 1).replaceAll("[0-9]+", "#");
            groups.merge(group, t - before.getOrDefault(key, 0L), Long::sum);
        });
        groups.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> System.out.printf(Locale.ROOT, "THREADS %-16s %.3f%n", e.getKey(),
                        e.getValue() / 100.0 / programSeconds)); // USER_HZ: 100 on Linux
    }

    /** Submits, per speaker, the demuxing and decoding of its packets up to {@code due} (90 kHz). */
    private static List<Future<Void>> feed(ExecutorService pool, OfflineClock clock, List<Input> inputs, long due) {
        List<Future<Void>> work = new ArrayList<>();
        for (Input in : inputs) {
            if (in.file().nextDts() <= due) {
                MediaSink decoder = Objects.requireNonNull(clock.decoderOf(in.id()),
                        () -> "speaker " + in.id() + " is no longer in the room");
                work.add(pool.submit(() -> {
                    while (in.file().nextDts() <= due) {
                        decoder.onPacket(in.file().take());
                    }
                    return null;
                }));
            }
        }
        return work;
    }

    private static String required(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + " is not set (bench/compose.sh sets it)");
        }
        return v;
    }
}
