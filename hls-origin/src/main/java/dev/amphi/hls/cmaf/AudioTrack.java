package dev.amphi.hls.cmaf;

import dev.amphi.media.AacConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The audio track of a {@link StreamSegmenter}: cuts AAC frames at the instants the segmenter's
 * leading video track was cut (the first frame at or after each), by its own duration when the
 * session has no video (or all its video tracks ended), or after {@link #STALL_TARGETS} targets
 * when video stalls. Sample times are
 * in the sample rate's timescale, 1024 ticks per frame, re-anchored on the packet timestamps when
 * they drift by more than a frame (gaps widen the previous frame, overlaps drop a frame).
 *
 * <p>Not thread-safe: owned by the segmenter's thread.
 */
final class AudioTrack {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AudioTrack.class);
    /** Without video, audio is cut by its own duration; with stalled video, after this many targets. */
    static final int STALL_TARGETS = 3;
    private static final int MAX_PENDING_CUTS = 16;

    private record PendingAudio(long dts, byte[] data) { }

    private final String name;
    private final long target90k;
    private final SegmentListener listener;
    private final List<PendingAudio> pending = new ArrayList<>();
    private final ArrayDeque<Long> cuts = new ArrayDeque<>();
    private AacConfig config;
    private int init;
    private boolean discontinuity;
    private boolean anchored;
    private long next;
    private long end90k;
    private int seq;
    private long dropped;
    /** Has packets in the current session and has not ended. */
    boolean active;

    AudioTrack(String name, long target90k, SegmentListener listener) {
        this.name = name;
        this.target90k = target90k;
        this.listener = listener;
    }

    AacConfig config() {
        return config;
    }

    /** End of the published audio on the media timeline, 90 kHz. */
    long end90k() {
        return end90k;
    }

    long dropped() {
        return dropped;
    }

    /** The next segment follows a discontinuity (new session, track resumed). */
    void markDiscontinuity() {
        discontinuity = true;
    }

    /** The session or the track ended: the next packet re-anchors the sample clock. */
    void stop() {
        active = false;
        anchored = false;
    }

    void onPacket(Session session, MediaPacket p) {
        if (config == null || (p.config() != config && !p.config().equals(config))) {
            if (!pending.isEmpty()) {
                cut(session, new ArrayList<>(pending));
                pending.clear();
            }
            if (config != null) {
                discontinuity = true;
                LOG.info("stream {}: new AAC configuration {}", name, p.config());
            }
            config = (AacConfig) p.config();
            init++;
            anchored = false;
        }
        pending.add(new PendingAudio(p.dts(), p.data()));
        cutReached(session);
        long pendingTicks = (long) pending.size() * config.frameDurationTicks();
        boolean ownDuration = !session.videoSeen || session.videoStopped;
        if ((ownDuration && pendingTicks >= target90k) || pendingTicks >= STALL_TARGETS * target90k) {
            cuts.clear();
            cut(session, new ArrayList<>(pending));
            pending.clear();
        }
    }

    /** Video was cut at {@code cut90k} (media time): cut audio there once audio has reached it. */
    void addCut(Session session, long cut90k) {
        cuts.add(cut90k);
        if (cuts.size() > MAX_PENDING_CUTS) {
            cuts.poll();
        }
        cutReached(session);
    }

    /** Cuts everything pending: at the pending cut instants, then the rest. */
    void flush(Session session) {
        while (!cuts.isEmpty()) {
            cutBefore(session, cuts.poll());
        }
        if (!pending.isEmpty()) {
            cut(session, new ArrayList<>(pending));
            pending.clear();
        }
    }

    /** Cuts audio at every pending cut point that audio has reached (an audio packet at or after it). */
    private void cutReached(Session session) {
        while (!cuts.isEmpty() && !pending.isEmpty()
                && session.mapped(pending.get(pending.size() - 1).dts()) >= cuts.peek()) {
            cutBefore(session, cuts.poll());
        }
    }

    private void cutBefore(Session session, long cut90k) {
        int n = 0;
        while (n < pending.size() && session.mapped(pending.get(n).dts()) < cut90k) {
            n++;
        }
        if (n == 0) {
            return;
        }
        List<PendingAudio> batch = new ArrayList<>(pending.subList(0, n));
        pending.subList(0, n).clear();
        cut(session, batch);
    }

    private void cut(Session session, List<PendingAudio> batch) {
        int rate = config.sampleRate();
        int frame = AacConfig.SAMPLES_PER_FRAME;
        List<Sample> samples = new ArrayList<>(batch.size());
        long base = -1;
        int[] extra = new int[batch.size()];
        for (PendingAudio a : batch) {
            long actual = Session.toTicks(session.mapped(a.dts()), MediaPacket.TIMESCALE, rate);
            if (!anchored) {
                next = Math.max(actual, Session.toTicks(end90k, MediaPacket.TIMESCALE, rate));
                anchored = true;
            } else if (actual - next > frame) {
                if (samples.isEmpty()) {
                    next = actual;
                } else {
                    extra[samples.size() - 1] += (int) Math.min(actual - next, Integer.MAX_VALUE / 2);
                    next = actual;
                }
            } else if (next - actual > frame) {
                dropped++;
                continue;
            }
            if (base < 0) {
                base = next;
            }
            samples.add(new Sample(frame, 0, true, a.data()));
            next += frame;
        }
        if (samples.isEmpty()) {
            return;
        }
        long duration = 0;
        for (int i = 0; i < samples.size(); i++) {
            if (extra[i] != 0) {
                Sample s = samples.get(i);
                samples.set(i, new Sample(s.duration() + extra[i], 0, true, s.data()));
            }
            duration += samples.get(i).duration();
        }
        session.frozen = true;
        byte[] data = CmafWriter.mediaSegment(++seq, base, samples, false);
        end90k = Session.to90k(base + duration, rate);
        Segment s = new Segment(MediaKind.AUDIO, 0, config, init, data, base, duration, rate,
                samples.size(), discontinuity, session.wallAt(Session.to90k(base, rate)));
        discontinuity = false;
        listener.onSegment(s);
    }
}
