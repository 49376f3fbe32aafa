package dev.amphi.bench;

import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import dev.amphi.transcode.ProgramOutput;
import dev.amphi.transcode.RoomProgram;
import dev.amphi.transcode.encode.Rung;
import dev.amphi.transcode.interactive.InteractiveProgram;
import dev.amphi.transcode.interactive.InteractiveStats;
import dev.amphi.transcode.demo.DemoSpeaker;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the interactive rendition (the program back to the speakers in real time) costs: one room
 * program on the real-time clock with demo speakers, first with nobody subscribed, then with one
 * video-and-audio subscriber per speaker and one listener. Prints, per phase, the process's CPU
 * per program second, and for the second phase the interactive video's encode time per frame and
 * its delay from the canvas to the packet (mean and max, from the program's stats), the Opus mix
 * frames encoded per second and the subscribers' drops.
 *
 * <p>Environment: {@code AMPHI_BENCH_CANVAS} (default 1920x1080), {@code AMPHI_BENCH_SPEAKERS}
 * (default 9), {@code AMPHI_BENCH_SECONDS} (each phase, default 20), {@code AMPHI_BENCH_PRESET}
 * (the ladder's, default ultrafast), {@code AMPHI_BENCH_LADDER} ({@code 360p}, the default: one
 * 640x360 rung, or {@code default}: the default four rungs), {@code AMPHI_BENCH_INTERACTIVE}
 * (the interactive size, default 640x360), {@code AMPHI_BENCH_HIGH} ({@code 1}: every subscriber
 * watches the second size, 1280x720, instead).
 *
 * <p>Run: {@code java -cp bench-tools/target/amphi-bench.jar dev.amphi.bench.InteractiveBench}
 * (built by {@code mvn package}).
 */
public final class InteractiveBench {

    private InteractiveBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        String[] canvas = env.getOrDefault("AMPHI_BENCH_CANVAS", "1920x1080").split("x");
        String[] size = env.getOrDefault("AMPHI_BENCH_INTERACTIVE", "640x360").split("x");
        int count = Integer.parseInt(env.getOrDefault("AMPHI_BENCH_SPEAKERS", "9"));
        boolean high = "1".equals(env.get("AMPHI_BENCH_HIGH"));
        double seconds = Double.parseDouble(env.getOrDefault("AMPHI_BENCH_SECONDS", "20"));
        String preset = env.getOrDefault("AMPHI_BENCH_PRESET", "ultrafast");
        List<Rung> ladder = "default".equals(env.getOrDefault("AMPHI_BENCH_LADDER", "360p")) ? Rung.defaults()
                : List.of(new Rung("360p", 640, 360, 800_000));
        int w = Integer.parseInt(canvas[0]);
        int h = Integer.parseInt(canvas[1]);
        MediaSink discard = packet -> { };
        ProgramOutput output = new ProgramOutput() {
            @Override
            public MediaSink video(int index) {
                return discard;
            }

            @Override
            public MediaSink audio() {
                return discard;
            }
        };
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
        List<DemoSpeaker> speakers = new ArrayList<>();
        try (RoomProgram program = RoomProgram.builder("bench").canvas(w, h).ladder(ladder).preset(preset)
                .interactiveVideo(Integer.parseInt(size[0]), Integer.parseInt(size[1]), 800_000).output(output).build()) {
            for (int i = 0; i < count; i++) {
                speakers.add(DemoSpeaker.start("S" + i, i, count, program.join("s" + i, "S" + i), timer));
            }
            program.start();
            Thread.sleep(3_000); // the speakers' first keyframes, the decoders warm
            Phase idle = Phase.measure(program, seconds);
            System.out.printf(Locale.ROOT, "RESULT phase=idle cpu_s_per_program_s=%.3f%n", idle.cpuPerSecond());

            AtomicLong videoPackets = new AtomicLong();
            AtomicLong audioPackets = new AtomicLong();
            List<InteractiveProgram.Subscription> subs = new ArrayList<>();
            for (int i = 0; i <= count; i++) {
                subs.add(program.interactive().subscribe(i < count ? "s" + i : null, p -> videoPackets.incrementAndGet(),
                        p -> audioPackets.incrementAndGet()));
                if (high) {
                    subs.get(i).videoSize(InteractiveProgram.VideoSize.HIGH);
                }
            }
            Thread.sleep(1_000);
            Phase live = Phase.measure(program, seconds);
            InteractiveStats a = live.before();
            InteractiveStats b = live.after();
            long frames = b.framesEncoded() - a.framesEncoded();
            System.out.printf(Locale.ROOT, "RESULT phase=subscribed size=%s subscribers=%d cpu_s_per_program_s=%.3f"
                    + " video_frames=%d encode_ms_per_frame=%.2f canvas_to_packet_ms_mean=%.2f canvas_to_packet_ms_max=%.2f"
                    + " frames_dropped=%d opus_frames_per_s=%.1f mixes_running=%d subscriber_drops=%d%n",
                    high ? "high" : "low", subs.size(), live.cpuPerSecond(), frames, (b.encodeNanos() - a.encodeNanos()) / 1e6 / Math.max(1, frames),
                    (b.delayNanos() - a.delayNanos()) / 1e6 / Math.max(1, frames), b.maxDelayNanos() / 1e6,
                    b.framesDropped() - a.framesDropped(), (b.mixesEncoded() - a.mixesEncoded()) / live.programSeconds(),
                    b.mixesRunning(), b.subscriberDrops());
            System.out.printf(Locale.ROOT, "packets delivered: %d video, %d audio; program late frames %d%n",
                    videoPackets.get(), audioPackets.get(), program.stats().lateFrames());
            subs.forEach(InteractiveProgram.Subscription::close);
        } finally {
            speakers.forEach(DemoSpeaker::close);
            timer.shutdownNow();
        }
    }

    /** One measured window: CPU and program frames, and the interactive counters at both ends. */
    private record Phase(long cpuNanos, long frames, InteractiveStats before, InteractiveStats after) {

        static Phase measure(RoomProgram program, double seconds) throws InterruptedException {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long f0 = program.stats().frames();
            InteractiveStats s0 = program.stats().interactive();
            long cpu0 = os.getProcessCpuTime();
            Thread.sleep((long) (seconds * 1000));
            long cpu = os.getProcessCpuTime() - cpu0;
            return new Phase(cpu, program.stats().frames() - f0, s0, program.stats().interactive());
        }

        double programSeconds() {
            return frames / 30.0;
        }

        double cpuPerSecond() {
            return cpuNanos / 1e9 / programSeconds();
        }
    }
}
