package dev.amphi.transcode;

import dev.amphi.media.LatencyTrace;
import dev.amphi.media.MediaFanout;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import dev.amphi.transcode.audio.SpeakerAudio;
import dev.amphi.transcode.video.SpeakerVideo;
import dev.amphi.transcode.video.TileShortcuts;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One speaker of a program: its bounded queue from the publisher, its decoders, and the mapping of
 * its input timestamps onto the program clock.
 *
 * <p>The publisher side ({@link #input()}) may be called from any thread and only enqueues. The
 * queue's consumer ({@link #onPacket}) runs serially on the decode executor: the first packet of
 * each publish session anchors the session's timeline at "the program time it was handed over +
 * jitter buffer" (its arrival, not when the decode worker got to it: a worker that was behind then,
 * or waited for a batch of packets, would otherwise add its lag to every frame of the session), and
 * audio and video share that anchor, so they stay in sync exactly as their input timestamps say. A
 * timeline that drifts out of the window (a publisher's clock running fast or slow, a long stall)
 * is re-anchored, with a log line.
 */
final class Speaker implements MediaSink {

    private static final Logger LOG = LoggerFactory.getLogger(Speaker.class);

    /** Packets queued per speaker before video is dropped up to the next keyframe (~3 s). */
    static final int QUEUE_CAPACITY = 256;
    /** Packets that may wait before the decoder is woken (a keyframe always wakes it). */
    static final int WAKE_BATCH = 3;
    /**
     * A measuring knob, not an option: anchor sessions when the decode worker takes their first
     * packet, as before 2026-12-07, for bench/glass-to-glass.sh to compare both in one run.
     */
    static final boolean ANCHOR_AT_DECODE = Boolean.getBoolean("amphi.bench.anchorAtDecode");
    /** A mapped timestamp this far before "now" or after "now + 2 × jitter" re-anchors the timeline. */
    private static final long DRIFT_LIMIT = MediaPacket.TIMESCALE;

    final String id;
    final long joinOrder;
    volatile String displayName;
    final SpeakerVideo video;
    final SpeakerAudio audio;
    private final MediaFanout fanout = MediaFanout.create();
    private final MediaFanout.Subscription subscription;
    private final LongSupplier programNow;
    private final long jitter;

    /** Publisher connected (between its first packet and its end). */
    volatile boolean connected;
    /** Program time the publisher went away, for the rejoin grace; valid when !connected. */
    volatile long disconnectedAt;
    /** Program time the current publish session's first packet was handed to {@link #input()}; -1: none yet. */
    private volatile long sessionArrival = -1;

    // decode thread only, under this object's lock (close() takes it too, so native decoders are
    // never freed while a decode is running)
    private boolean closed;
    private boolean anchored;
    private long offset;
    private long reanchors;

    Speaker(String id, String displayName, long joinOrder, Executor decoder, LongSupplier programNow, long jitter,
            TileShortcuts shortcuts) {
        this.id = id;
        this.displayName = displayName;
        this.joinOrder = joinOrder;
        this.programNow = programNow;
        this.jitter = jitter;
        this.video = new SpeakerVideo(id, shortcuts);
        this.audio = new SpeakerAudio(id);
        this.subscription = fanout.subscribe("speaker:" + id, this, decoder, QUEUE_CAPACITY, WAKE_BATCH);
        this.disconnectedAt = programNow.getAsLong();
    }

    /** See {@link SenderControl}; a returning speaker's new connection replaces the old one's. */
    void senderControl(SenderControl control) {
        video.keyframeRequests(control == null ? null : control::requestKeyframe);
        video.shownListener(control == null ? null : control::videoShown);
    }

    /** The publisher-facing sink: enqueues, never blocks. */
    MediaSink input() {
        return new MediaSink() {
            @Override
            public void onPacket(MediaPacket packet) {
                if (!connected) { // a publish session's first packet: its arrival anchors the session
                    sessionArrival = programNow.getAsLong();
                }
                connected = true;
                fanout.onPacket(packet);
            }

            @Override
            public void onEnd() {
                connected = false;
                disconnectedAt = programNow.getAsLong();
                fanout.onEnd();
            }
        };
    }

    /**
     * The decode side for a driver that feeds this speaker itself, on its own threads, without the
     * queue (offline programs: benchmarks, tests). Packets go straight to {@link #onPacket}; being fed
     * counts as being connected, exactly as through {@link #input()}, so a fed speaker is never taken
     * for one who left, however long the program runs, and {@code onEnd} starts the rejoin grace.
     */
    MediaSink direct() {
        return new MediaSink() {
            @Override
            public void onPacket(MediaPacket packet) {
                connected = true;
                Speaker.this.onPacket(packet);
            }

            @Override
            public void onEnd() {
                connected = false;
                disconnectedAt = programNow.getAsLong();
                Speaker.this.onEnd();
            }
        };
    }

    /** Decode thread: one packet of the publisher, in order. */
    @Override
    public synchronized void onPacket(MediaPacket p) {
        if (closed) {
            return;
        }
        long now = programNow.getAsLong();
        if (!anchored) {
            long arrived = ANCHOR_AT_DECODE ? -1 : sessionArrival;
            offset = (arrived >= 0 && arrived <= now ? arrived : now) + jitter - p.dts();
            anchored = true;
        } else {
            long mapped = p.dts() + offset;
            if (mapped < now - DRIFT_LIMIT || mapped > now + 2 * jitter + DRIFT_LIMIT) {
                offset = now + jitter - p.dts();
                reanchors++;
                LOG.info("speaker {}: input timeline drifted by {} ms against the program clock; re-anchored",
                        id, (mapped - now - jitter) / 90);
                video.discontinuity();
                audio.discontinuity();
            }
        }
        long pts = p.pts() + offset;
        if (p.kind() == MediaKind.VIDEO) {
            if (LatencyTrace.ON) {
                traceVideo(p, pts);
            } else {
                video.onPacket(p, pts);
            }
        } else {
            audio.onPacket(p, pts);
        }
    }

    /**
     * {@link LatencyTrace}: queued since the transport handed the frame over, decode, then waiting
     * until due; the stages are named STAGE:SPEAKER_ID (each speaker has its own anchor).
     */
    private void traceVideo(MediaPacket p, long pts) {
        LatencyTrace.since("queue:" + id, p);
        long t0 = System.nanoTime();
        video.onPacket(p, pts);
        LatencyTrace.record("decode:" + id, System.nanoTime() - t0);
        LatencyTrace.record("wait:" + id, (pts - programNow.getAsLong()) * 100_000 / 9);
    }

    /** Decode thread: the publisher is gone; the next packet starts a new timeline. */
    @Override
    public synchronized void onEnd() {
        if (closed) {
            return;
        }
        anchored = false;
        video.discontinuity();
        audio.discontinuity();
    }

    long droppedVideo() {
        return subscription.droppedVideo() + video.droppedFrames();
    }

    long droppedAudio() {
        return subscription.droppedAudio();
    }

    /** What is added to a packet's input timestamps to place it on the program clock (90 kHz); decode side. */
    synchronized long timelineOffset() {
        return offset;
    }

    long reanchors() {
        return reanchors;
    }

    /** Stops the queue; frees the decoders once the decode thread is done with them. */
    void close() {
        subscription.close();
        synchronized (this) {
            closed = true;
            video.close();
            audio.close();
        }
    }
}
