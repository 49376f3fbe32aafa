package dev.amphi.transcode.demo;

import dev.amphi.media.AacConfig;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A synthetic speaker that publishes like a real one: 640x360 30 fps H.264 and 48 kHz stereo AAC
 * {@link MediaPacket}s with their {@link AvcConfig}/{@link AacConfig}, on the 90 kHz clock starting
 * at 0, paced in real time, audio and video interleaved by time (video first on a tie, so the very
 * first packet is a keyframe). It looks like {@link DemoLook} (its hue, a moving pattern, its name)
 * and sounds like {@link DemoTone} (its pitch, loud in its turn of every {@code count × 4} s).
 *
 * <p>{@link #start} encodes one 2 s video loop and one 1.6 s audio loop (loud and quiet) on the
 * calling thread, then replays them with advancing timestamps: every {@value #TICK_MS} ms on the
 * timer it sends every packet whose dts has come (elapsed time from the injected ticker). If the
 * timer falls behind, the late packets go out in one burst, as from a publisher's socket buffer.
 * The sink is called on the timer's thread, one call at a time; an exception from it is logged
 * (the first few) and the speaker carries on. Packets never share payload arrays.
 */
public final class DemoSpeaker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoSpeaker.class);
    /** Period of the replay task on the timer. */
    public static final long TICK_MS = 20;
    private static final int MAX_SINK_ERRORS_LOGGED = 3;

    private final String name;
    private final int index;
    private final int count;
    private final MediaSink sink;
    private final DemoLoop loop;
    private final LongSupplier ticker;
    private final long startNanos;
    private ScheduledFuture<?> task;

    // Replay cursors, guarded by this.
    private long videoLoops;
    private int videoNext;
    private long audioFrames;
    private long packetsSent;
    private long sinkErrors;
    private boolean closed;

    private DemoSpeaker(String name, int index, int count, MediaSink sink, DemoLoop loop, LongSupplier ticker) {
        this.name = name;
        this.index = index;
        this.count = count;
        this.sink = sink;
        this.loop = loop;
        this.ticker = ticker;
        this.startNanos = ticker.getAsLong();
    }

    /** Starts demo speaker {@code index} of {@code count} on the system's monotonic clock. */
    public static DemoSpeaker start(String name, int index, int count, MediaSink sink, ScheduledExecutorService timer) {
        return start(name, index, count, sink, timer, System::nanoTime);
    }

    /**
     * Starts demo speaker {@code index} of {@code count}: encodes its loops (a few hundred
     * milliseconds on this thread), then replays them on {@code timer}, time 0 being now on
     * {@code nanoTicker} (nanoseconds, monotonic; inject a fake one in tests).
     *
     * @param name  the name drawn on its picture, not blank
     * @param index 0..count-1: picks its hue (index / count of the colour wheel), pitch and turn
     * @param count how many demo speakers take turns, 1..300
     * @throws IllegalArgumentException naming the bad argument
     * @throws IllegalStateException    when the encoders cannot be opened
     */
    public static DemoSpeaker start(String name, int index, int count, MediaSink sink, ScheduledExecutorService timer,
                                    LongSupplier nanoTicker) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("demo speaker name must not be blank, got " + (name == null ? "null" : "'" + name + "'"));
        }
        if (count < 1 || count > 300) {
            throw new IllegalArgumentException("demo speaker count must be within 1..300, got " + count);
        }
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("demo speaker index must be within 0.." + (count - 1) + ", got " + index);
        }
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(timer, "timer");
        Objects.requireNonNull(nanoTicker, "nanoTicker");
        DemoLoop loop = DemoLoop.encode(new DemoLook(name, index, count), DemoTone.pitchHz(index));
        DemoSpeaker s = new DemoSpeaker(name, index, count, sink, loop, nanoTicker);
        synchronized (s) {
            s.task = timer.scheduleAtFixedRate(s::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
        }
        LOG.debug("demo speaker '{}' ({} of {}) started: hue {}°, {} Hz", name, index, count,
                Math.round(DemoLook.hueDegrees(index, count)), DemoTone.pitchHz(index));
        return s;
    }

    public String name() {
        return name;
    }

    /** The hue of its background, degrees on the colour wheel. */
    public double hueDegrees() {
        return DemoLook.hueDegrees(index, count);
    }

    /** The pitch of its tone, Hz. */
    public double pitchHz() {
        return DemoTone.pitchHz(index);
    }

    /** Whether it talks (its tone loud) at {@code seconds} after its start. */
    public boolean talkingAt(double seconds) {
        return DemoTone.talking(index, count, seconds);
    }

    public AvcConfig videoConfig() {
        return loop.videoConfig();
    }

    public AacConfig audioConfig() {
        return loop.audioConfig();
    }

    /** Packets sent to the sink so far. */
    public synchronized long packetsSent() {
        return packetsSent;
    }

    /** Sends every packet that is due by now; runs on the timer (tests may call it directly). */
    synchronized void tick() {
        if (closed) {
            return;
        }
        long elapsed = ticker.getAsLong() - startNanos;
        if (elapsed < 0) {
            return;
        }
        long now90k = elapsed / 1_000_000 * MediaPacket.TIMESCALE / 1000
                + (elapsed % 1_000_000) * MediaPacket.TIMESCALE / 1_000_000_000;
        List<MediaPacket> video = loop.video();
        while (true) {
            MediaPacket v = video.get(videoNext);
            long videoDts = videoLoops * DemoLoop.VIDEO_LOOP_TICKS + v.dts();
            long audioPts = audioFrames * DemoLoop.AUDIO_FRAME_TICKS;
            if (videoDts <= audioPts) {
                if (videoDts > now90k) {
                    return;
                }
                send(new MediaPacket(MediaKind.VIDEO, v.config(), videoDts, v.compositionOffset(), v.keyframe(),
                        v.data().clone()));
                if (++videoNext == video.size()) {
                    videoNext = 0;
                    videoLoops++;
                }
            } else {
                if (audioPts > now90k) {
                    return;
                }
                double seconds = (double) audioPts / MediaPacket.TIMESCALE;
                List<MediaPacket> level = DemoTone.talking(index, count, seconds) ? loop.loud() : loop.quiet();
                MediaPacket a = level.get((int) (audioFrames % DemoTone.LOOP_FRAMES));
                send(new MediaPacket(MediaKind.AUDIO, a.config(), audioPts, 0, true, a.data().clone()));
                audioFrames++;
            }
        }
    }

    private void send(MediaPacket p) {
        packetsSent++;
        try {
            sink.onPacket(p);
        } catch (RuntimeException e) {
            if (++sinkErrors <= MAX_SINK_ERRORS_LOGGED) {
                LOG.warn("demo speaker '{}': sink failed on {}: {}", name, p, e.toString());
            }
        }
    }

    /** Stops the replay and ends the sink ({@link MediaSink#onEnd()} once); idempotent, any thread. */
    @Override
    public void close() {
        ScheduledFuture<?> t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            t = task;
        }
        if (t != null) {
            t.cancel(false);
        }
        try {
            sink.onEnd();
        } catch (RuntimeException e) {
            LOG.warn("demo speaker '{}': sink failed on end: {}", name, e.toString());
        }
    }

    @Override
    public String toString() {
        return "DemoSpeaker[" + name + ", " + index + " of " + count + "]";
    }
}
