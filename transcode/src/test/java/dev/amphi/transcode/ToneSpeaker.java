package dev.amphi.transcode;

import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import dev.amphi.transcode.encode.AacEncoder;
import dev.amphi.transcode.encode.EncoderSettings;
import dev.amphi.transcode.encode.H264Encoder;
import dev.amphi.transcode.frame.Picture;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleUnaryOperator;

/**
 * A test speaker: a flat colour (Y, U, V) at 320x180 and a sine tone whose amplitude follows a
 * schedule (seconds → 0..1), pre-encoded as a 1 s loop (one GOP) per second of schedule and
 * replayed in real time into a program's sink, like a publisher would.
 */
final class ToneSpeaker implements AutoCloseable {

    static final int W = 320;
    static final int H = 180;
    private static final int FPS = 30;

    private final List<MediaPacket> packets = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tone-speaker");
        t.setDaemon(true);
        return t;
    });
    private ScheduledFuture<?> task;
    private final MediaSink sink;

    /**
     * @param seconds   length of the stream
     * @param amplitude amplitude over time in seconds (0 = silence)
     */
    ToneSpeaker(int y, int u, int v, double toneHz, int seconds, DoubleUnaryOperator amplitude, MediaSink sink) {
        this.sink = sink;
        try (H264Encoder enc = new H264Encoder(W, H, 300_000, EncoderSettings.x264("ultrafast", FPS, FPS));
             AacEncoder aac = new AacEncoder(96_000);
             Picture pic = Picture.allocate(W, H)) {
            for (int i = 0; i < seconds * FPS; i++) {
                pic.fill(y, u, v);
                // a small moving block keeps the encoder honest
                pic.fillRect((i * 4) % (W - 16), H - 16, 16, 16, 235, 128, 128);
                packets.addAll(enc.encode(pic, (long) i * 3000, i % FPS == 0));
            }
            packets.addAll(enc.flush());
            int chunk = 1600;
            float[] pcm = new float[chunk * 2];
            for (long s = 0; s < (long) seconds * 48_000; s += chunk) {
                for (int k = 0; k < chunk; k++) {
                    double t = (s + k) / 48_000.0;
                    float x = (float) (0.3 * amplitude.applyAsDouble(t) * Math.sin(2 * Math.PI * toneHz * t));
                    pcm[2 * k] = x;
                    pcm[2 * k + 1] = x;
                }
                packets.addAll(aac.encode(pcm, 0, chunk, s));
            }
        }
        packets.sort(Comparator.comparingLong(MediaPacket::dts));
    }

    /** Starts replaying in real time. */
    ToneSpeaker start() {
        long t0 = System.nanoTime();
        int[] next = {0};
        task = timer.scheduleAtFixedRate(() -> {
            long now90k = (System.nanoTime() - t0) * 9 / 100_000;
            while (next[0] < packets.size() && packets.get(next[0]).dts() <= now90k) {
                sink.onPacket(packets.get(next[0]++));
            }
            if (next[0] == packets.size()) {
                sink.onEnd();
                throw new IllegalStateException("done"); // cancels the task
            }
        }, 0, 10, TimeUnit.MILLISECONDS);
        return this;
    }

    boolean done() {
        return task != null && task.isDone();
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
        timer.shutdownNow();
    }
}
