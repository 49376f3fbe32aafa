package dev.amphi.transcode;

import dev.amphi.media.AacConfig;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.CodecConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import dev.amphi.transcode.encode.Rung;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;

/**
 * The compositing benchmark's Amphi side ({@code bench/compose.sh}): runs one room program as
 * fast as the machine allows over pre-recorded speakers and prints
 * {@code RESULT rtf=… cpu_s_per_program_s=…}.
 *
 * <p>Inputs (environment, as {@code bench/compose.sh} sets them): {@code AMPHI_BENCH_INPUTS} (a
 * file listing the visible speakers' MP4s, then audio-only M4As), {@code AMPHI_BENCH_VISIBLE},
 * {@code AMPHI_BENCH_SECONDS}, {@code AMPHI_BENCH_PRESET}, {@code AMPHI_BENCH_RUNGS},
 * {@code AMPHI_BENCH_FPS}, {@code AMPHI_BENCH_CANVAS}, {@code AMPHI_BENCH_ENCODER_THREADS} (per rung,
 * default 0: the encoder decides). Every input is demuxed into memory first;
 * then, for each program frame, every speaker's packets up to that time (plus the jitter buffer)
 * are decoded on a pool of one thread per core (while the previous frame is composited, as in a
 * live room), the frame is composited, mixed and handed to the ladder, which encodes on its own
 * threads. Nothing is dropped: the program waits for the ladder
 * instead. Real-time factor = program seconds / wall seconds; CPU = the whole process's CPU time
 * in that window (decoding, compositing, mixing, encoding, GC and JIT included), after
 * {@code AMPHI_BENCH_WARMUP} seconds of program (default 5) that are produced but not measured:
 * a server runs for hours, and the JIT's first seconds are a start-up cost.
 *
 * <p>Run: {@code java -cp server/target/amphi.jar dev.amphi.transcode.ProgramBench}.
 */
public final class ProgramBench {

    private ProgramBench() {
    }

    /** One speaker's packets, in decode order. */
    private record Input(String id, List<MediaPacket> packets) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        Path list = Path.of(required(env, "AMPHI_BENCH_INPUTS"));
        int visible = Integer.parseInt(env.getOrDefault("AMPHI_BENCH_VISIBLE", "0"));
        double seconds = Double.parseDouble(env.getOrDefault("AMPHI_BENCH_SECONDS", "20"));
        String preset = env.getOrDefault("AMPHI_BENCH_PRESET", "ultrafast");
        int fps = Integer.parseInt(env.getOrDefault("AMPHI_BENCH_FPS", "30"));
        String[] canvas = env.getOrDefault("AMPHI_BENCH_CANVAS", "1920x1080").split("x");
        List<Rung> rungs = new ArrayList<>();
        for (String r : env.getOrDefault("AMPHI_BENCH_RUNGS", "").split(",")) {
            if (!r.isBlank()) {
                rungs.add(Rung.parse(r));
            }
        }
        if (rungs.isEmpty()) {
            rungs = Rung.defaults();
        }
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);

        List<String> paths = Files.readAllLines(list).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        // a live server runs for hours: the JIT's first seconds are a start-up cost, not the program's
        double warmup = Double.parseDouble(env.getOrDefault("AMPHI_BENCH_WARMUP", "5"));
        long horizon = (long) ((seconds + warmup + 2) * MediaPacket.TIMESCALE);
        List<Input> inputs = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            inputs.add(new Input((i < visible ? "v" : "a") + i, demux(Path.of(paths.get(i)), horizon)));
        }
        System.out.printf(Locale.ROOT, "loaded %d inputs (%d visible), %d packets%n", inputs.size(), visible,
                inputs.stream().mapToLong(in -> in.packets.size()).sum());

        AtomicLong bytesOut = new AtomicLong();
        MediaSink counter = new MediaSink() {
            @Override
            public void onPacket(MediaPacket packet) {
                bytesOut.addAndGet(packet.data().length);
            }
        };
        double psnrSeconds = Double.parseDouble(env.getOrDefault("AMPHI_BENCH_PSNR_SECONDS", "0"));
        String outDir = env.get("AMPHI_BENCH_OUT");
        boolean psnr = psnrSeconds > 0 && outDir != null && !outDir.isBlank();
        long psnrTicks = (long) (psnrSeconds * MediaPacket.TIMESCALE);
        List<java.io.ByteArrayOutputStream> rungStreams = new ArrayList<>();
        for (int i = 0; i < rungs.size(); i++) {
            rungStreams.add(new java.io.ByteArrayOutputStream());
        }
        ProgramOutput out = new ProgramOutput() {
            @Override
            public MediaSink video(int index) {
                if (!psnr) {
                    return counter;
                }
                return packet -> {
                    counter.onPacket(packet);
                    if (packet.pts() < psnrTicks) {
                        appendAnnexB(rungStreams.get(index), packet);
                    }
                };
            }

            @Override
            public MediaSink audio() {
                return counter;
            }
        };
        int cores = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(cores, r -> {
            Thread t = new Thread(r, "bench-decode");
            t.setDaemon(true);
            return t;
        });
        DefaultRoomProgram program = (DefaultRoomProgram) RoomProgram.builder("bench")
                .canvas(Integer.parseInt(canvas[0]), Integer.parseInt(canvas[1]))
                .fps(fps)
                .ladder(rungs)
                .preset(preset)
                .encoderThreads(Integer.parseInt(env.getOrDefault("AMPHI_BENCH_ENCODER_THREADS", "0")))
                .output(out)
                .decodeExecutor(pool)
                .build();
        for (Input in : inputs) {
            program.join(in.id, in.id);
        }
        program.startOffline();
        // the first PSNR seconds of canvas, kept as raw frames; the time this takes is not counted
        List<byte[]> canvasFrames = new ArrayList<>();
        long[] tapNanos = new long[2]; // wall, CPU of the program thread
        var threads = ManagementFactory.getThreadMXBean();
        if (psnr) {
            program.canvasTap(c -> {
                if (c.pts() >= psnrTicks) {
                    return;
                }
                long w0 = System.nanoTime();
                long c0 = threads.getCurrentThreadCpuTime();
                canvasFrames.add(yuv(c));
                tapNanos[0] += System.nanoTime() - w0;
                tapNanos[1] += threads.getCurrentThreadCpuTime() - c0;
            });
        }
        long jitter = 200L * 90;
        int[] next = new int[inputs.size()];
        long warmupFrames = (long) (warmup * fps);
        long frames = (long) (seconds * fps) + warmupFrames;

        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Map<String, Long> ticks0 = threadTicks();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long measureFrom = warmupFrames;
        // as in a live room, decoding runs beside the program thread: the packets due for frame
        // n + 1 decode while frame n is composited, mixed and handed to the ladder
        List<Future<Void>> pending = feed(pool, program, inputs, next, jitter);
        for (long n = 0; n < frames; n++) {
            for (Future<Void> f : pending) {
                f.get();
            }
            pending = feed(pool, program, inputs, next, (n + 1) * MediaPacket.TIMESCALE / fps + jitter);
            program.offlineTick(n);
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
        program.finishOffline();
        long wall = System.nanoTime() - t0 - tapNanos[0];
        long cpu = os.getProcessCpuTime() - cpu0 - tapNanos[1];
        if (psnr) {
            Path dir = Path.of(outDir);
            Files.createDirectories(dir);
            writeY4m(dir.resolve("canvas.y4m"), Integer.parseInt(canvas[0]), Integer.parseInt(canvas[1]), fps, canvasFrames);
            for (int i = 0; i < rungs.size(); i++) {
                Files.write(dir.resolve(rungs.get(i).name() + ".h264"), rungStreams.get(i).toByteArray());
            }
        }
        ProgramStats stats = program.stats();
        program.close();
        pool.shutdownNow();
        double programSeconds = (frames - warmupFrames) / (double) fps;
        System.out.printf(Locale.ROOT, "program %.1f s in %.1f s wall, %.1f CPU-s on %d cores; %s; %d KiB out%n",
                programSeconds, wall / 1e9, cpu / 1e9, cores, stats, bytesOut.get() / 1024);
        printThreads(ticks0, ticks1, programSeconds);
        System.out.printf(Locale.ROOT, "RESULT rtf=%.3f cpu_s_per_program_s=%.3f%n", programSeconds / (wall / 1e9),
                cpu / 1e9 / programSeconds);
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

    /** Submits, per speaker, the decoding of its packets up to {@code due} (90 kHz). */
    private static List<Future<Void>> feed(ExecutorService pool, DefaultRoomProgram program, List<Input> inputs, int[] next,
                                           long due) {
        List<Future<Void>> work = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Input in = inputs.get(i);
            int k = i;
            if (next[k] < in.packets.size() && in.packets.get(next[k]).dts() <= due) {
                MediaSink decoder = program.decoderOf(in.id);
                work.add(pool.submit(() -> {
                    List<MediaPacket> ps = in.packets;
                    while (next[k] < ps.size() && ps.get(next[k]).dts() <= due) {
                        decoder.onPacket(ps.get(next[k]++));
                    }
                    return null;
                }));
            }
        }
        return work;
    }

    /** One picture as tightly packed planar YUV 4:2:0. */
    private static byte[] yuv(dev.amphi.transcode.frame.Picture p) {
        int w = p.width();
        int h = p.height();
        byte[] b = new byte[w * h * 3 / 2];
        int o = 0;
        for (int plane = 0; plane < 3; plane++) {
            int pw = plane == 0 ? w : w / 2;
            int ph = plane == 0 ? h : h / 2;
            for (int y = 0; y < ph; y++) {
                p.data(plane).position((long) y * p.stride(plane)).get(b, o, pw);
                p.data(plane).position(0);
                o += pw;
            }
        }
        return b;
    }

    private static void writeY4m(Path file, int w, int h, int fps, List<byte[]> frames) throws IOException {
        try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(String.format(Locale.ROOT, "YUV4MPEG2 W%d H%d F%d:1 Ip A1:1 C420jpeg%n", w, h, fps)
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            for (byte[] f : frames) {
                out.write("FRAME\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.write(f);
            }
        }
    }

    /** Appends one AVCC packet as Annex B, with the SPS and PPS before each keyframe. */
    private static void appendAnnexB(java.io.ByteArrayOutputStream out, MediaPacket p) {
        byte[] start = {0, 0, 0, 1};
        AvcConfig c = (AvcConfig) p.config();
        synchronized (out) {
            if (p.keyframe()) {
                for (byte[] nal : c.sps()) {
                    out.writeBytes(start);
                    out.writeBytes(nal);
                }
                for (byte[] nal : c.pps()) {
                    out.writeBytes(start);
                    out.writeBytes(nal);
                }
            }
            byte[] d = p.data();
            int n = c.nalLengthSize();
            int i = 0;
            while (i + n <= d.length) {
                int len = 0;
                for (int k = 0; k < n; k++) {
                    len = (len << 8) | (d[i + k] & 0xff);
                }
                i += n;
                if (len <= 0 || i + len > d.length) {
                    break;
                }
                out.writeBytes(start);
                out.write(d, i, len);
                i += len;
            }
        }
    }

    private static String required(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + " is not set (bench/compose.sh sets it)");
        }
        return v;
    }

    /**
     * Demuxes {@code file}'s H.264 and AAC packets (no decoding) up to {@code horizon} (90 kHz),
     * looping the file when it is shorter; timestamps start at 0.
     */
    static List<MediaPacket> demux(Path file, long horizon) throws IOException {
        List<MediaPacket> one = new ArrayList<>();
        long duration = 0;
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
            g.start();
            var fmt = g.getFormatContext();
            CodecConfig[] configs = new CodecConfig[fmt.nb_streams()];
            long[] first = new long[fmt.nb_streams()];
            Arrays.fill(first, Long.MIN_VALUE);
            for (int i = 0; i < fmt.nb_streams(); i++) {
                AVCodecParameters p = fmt.streams(i).codecpar();
                byte[] extra = new byte[p.extradata_size()];
                if (extra.length > 0) {
                    p.extradata().get(extra);
                }
                if (p.codec_id() == avcodec.AV_CODEC_ID_H264) {
                    configs[i] = AvcConfig.parse(extra);
                } else if (p.codec_id() == avcodec.AV_CODEC_ID_AAC) {
                    configs[i] = AacConfig.parse(extra);
                }
            }
            AVPacket pkt;
            while ((pkt = g.grabPacket()) != null) {
                int si = pkt.stream_index();
                if (configs[si] != null && pkt.size() > 0) {
                    AVStream st = fmt.streams(si);
                    long dts = to90k(pkt.dts() != avutil.AV_NOPTS_VALUE ? pkt.dts() : pkt.pts(), st);
                    long pts = to90k(pkt.pts() != avutil.AV_NOPTS_VALUE ? pkt.pts() : pkt.dts(), st);
                    if (first[si] == Long.MIN_VALUE) {
                        first[si] = dts;
                    }
                    byte[] data = new byte[pkt.size()];
                    pkt.data().get(data);
                    MediaKind kind = configs[si].kind();
                    boolean key = kind == MediaKind.AUDIO || (pkt.flags() & avcodec.AV_PKT_FLAG_KEY) != 0;
                    one.add(new MediaPacket(kind, configs[si], dts - first[si], (int) (pts - dts), key, data));
                    duration = Math.max(duration, dts - first[si] + to90k(pkt.duration(), st));
                }
                avcodec.av_packet_unref(pkt);
            }
            g.stop();
        }
        if (one.isEmpty()) {
            throw new IOException(file + " has no H.264 or AAC packet");
        }
        List<MediaPacket> all = new ArrayList<>();
        for (long base = 0; base < horizon; base += duration) {
            for (MediaPacket p : one) {
                if (base + p.dts() < horizon) {
                    all.add(new MediaPacket(p.kind(), p.config(), base + p.dts(), p.compositionOffset(), p.keyframe(), p.data()));
                }
            }
        }
        all.sort((a, b) -> Long.compare(a.dts(), b.dts()));
        return all;
    }

    private static long to90k(long t, AVStream st) {
        return t * MediaPacket.TIMESCALE * st.time_base().num() / st.time_base().den();
    }
}
