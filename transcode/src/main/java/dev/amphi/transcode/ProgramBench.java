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
 * {@code AMPHI_BENCH_FPS}, {@code AMPHI_BENCH_CANVAS}. Every input is demuxed into memory first;
 * then, for each program frame, every speaker's packets up to that time (plus the jitter buffer)
 * are decoded on a pool of one thread per core (while the previous frame is composited, as in a
 * live room), the frame is composited, mixed and handed to the ladder, which encodes on its own
 * threads. Nothing is dropped: the program waits for the ladder
 * instead. Real-time factor = program seconds / wall seconds; CPU = the whole process's CPU time
 * in that window (decoding, compositing, mixing, encoding, GC and JIT included).
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
        long horizon = (long) ((seconds + 1) * MediaPacket.TIMESCALE);
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
        ProgramOutput out = new ProgramOutput() {
            @Override
            public MediaSink video(int index) {
                return counter;
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
                .output(out)
                .decodeExecutor(pool)
                .build();
        for (Input in : inputs) {
            program.join(in.id, in.id);
        }
        program.startOffline();
        long jitter = 200L * 90;
        int[] next = new int[inputs.size()];
        long frames = (long) (seconds * fps);

        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        // as in a live room, decoding runs beside the program thread: the packets due for frame
        // n + 1 decode while frame n is composited, mixed and handed to the ladder
        List<Future<Void>> pending = feed(pool, program, inputs, next, jitter);
        for (long n = 0; n < frames; n++) {
            for (Future<Void> f : pending) {
                f.get();
            }
            pending = feed(pool, program, inputs, next, (n + 1) * MediaPacket.TIMESCALE / fps + jitter);
            program.offlineTick(n);
        }
        for (Future<Void> f : pending) {
            f.get();
        }
        program.finishOffline();
        long wall = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        ProgramStats stats = program.stats();
        program.close();
        pool.shutdownNow();
        double programSeconds = frames / (double) fps;
        System.out.printf(Locale.ROOT, "program %.1f s in %.1f s wall, %.1f CPU-s on %d cores; %s; %d KiB out%n",
                programSeconds, wall / 1e9, cpu / 1e9, cores, stats, bytesOut.get() / 1024);
        System.out.printf(Locale.ROOT, "RESULT rtf=%.3f cpu_s_per_program_s=%.3f%n", programSeconds / (wall / 1e9),
                cpu / 1e9 / programSeconds);
        System.exit(0);
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
