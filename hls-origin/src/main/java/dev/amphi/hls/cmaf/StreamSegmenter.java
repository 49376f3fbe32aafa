package dev.amphi.hls.cmaf;

import dev.amphi.media.AacConfig;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Cuts one stream's packets into CMAF segments: video at the first keyframe at or after the target
 * duration, audio at the same instants (or by its own duration when the session has no video).
 * Keeps every rendition's {@code tfdt} continuous, and the media timeline monotonic across publish
 * sessions; a new session or new codec parameters mark the next segment as a discontinuity.
 *
 * <p>Not thread-safe: owned by the stream's worker thread, which calls {@link #onPacket} and
 * {@link #onEnd} serially; the listener is called on that thread.
 */
public final class StreamSegmenter {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StreamSegmenter.class);
    /** Without video, audio is cut by its own duration; with stalled video, after this many targets. */
    private static final int AUDIO_STALL_TARGETS = 3;
    private static final int MAX_PENDING_CUTS = 16;

    private final String name;
    private final long target90k;
    private final Clock clock;
    private final SegmentListener listener;

    private Session session;
    private long timelineEnd90k;
    private int sessions;
    private long droppedPackets;

    // video track
    private AvcConfig videoConfig;
    private int videoInit;
    private boolean videoDiscontinuity;
    private final List<PendingVideo> videoPending = new ArrayList<>();
    private long lastVideoDts;
    private long lastVideoDelta;
    private boolean videoDtsValid;
    private long videoEnd90k;
    private int videoSeq;

    // audio track
    private AacConfig audioConfig;
    private int audioInit;
    private boolean audioDiscontinuity;
    private final List<PendingAudio> audioPending = new ArrayList<>();
    private final ArrayDeque<Long> audioCuts = new ArrayDeque<>();
    private boolean audioAnchored;
    private long audioNext;
    private long audioEnd90k;
    private int audioSeq;

    private record PendingVideo(long dts, int cto, boolean key, byte[] data) { }

    private record PendingAudio(long dts, byte[] data) { }

    /**
     * @param name      stream name, for logs
     * @param target90k target segment duration in 90 kHz ticks
     * @param clock     wall clock for program date-times
     * @param listener  receives the segments, on the caller's thread
     */
    public StreamSegmenter(String name, long target90k, Clock clock, SegmentListener listener) {
        if (target90k <= 0) {
            throw new IllegalArgumentException("target duration must be positive, was " + target90k + " ticks");
        }
        this.name = Objects.requireNonNull(name, "name");
        this.target90k = target90k;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Packets dropped because they could not start or continue a segment (no keyframe yet, time going back). */
    public long droppedPackets() {
        return droppedPackets;
    }

    /** Whether a publish session is in progress. */
    public boolean inSession() {
        return session != null;
    }

    /** Whether this stream has had a video track. */
    public boolean hasVideo() {
        return videoConfig != null;
    }

    /** Whether this stream has had an audio track. */
    public boolean hasAudio() {
        return audioConfig != null;
    }

    public void onPacket(MediaPacket p) {
        if (session == null) {
            session = new Session(clock.instant(), p.dts(), timelineEnd90k);
            sessions++;
            if (sessions > 1) {
                videoDiscontinuity = true;
                audioDiscontinuity = true;
            }
        }
        if (p.kind() == MediaKind.VIDEO) {
            onVideo(p);
        } else {
            onAudio(p);
        }
    }

    /** The publisher stopped: flushes what is pending and ends the session. */
    public void onEnd() {
        if (session == null) {
            return;
        }
        if (!videoPending.isEmpty()) {
            cutVideo(lastVideoDts + (lastVideoDelta > 0 ? lastVideoDelta : MediaPacket.TIMESCALE / 30));
        }
        while (!audioCuts.isEmpty()) {
            cutAudioBefore(audioCuts.poll());
        }
        if (!audioPending.isEmpty()) {
            cutAudio(new ArrayList<>(audioPending));
            audioPending.clear();
        }
        timelineEnd90k = Math.max(timelineEnd90k, Math.max(videoEnd90k, audioEnd90k));
        session = null;
        videoDtsValid = false;
        audioAnchored = false;
        listener.onSessionEnd();
    }

    private void onVideo(MediaPacket p) {
        if (!session.videoSeen) {
            session.videoSeen = true;
            session.admitTrack(p.dts(), videoEnd90k);
        }
        long dts = p.dts();
        int cto = p.compositionOffset();
        if (videoDtsValid && dts <= lastVideoDts) {
            cto += (int) (dts - (lastVideoDts + 1));
            dts = lastVideoDts + 1;
        }
        boolean newConfig = videoConfig == null || (p.config() != videoConfig && !p.config().equals(videoConfig));
        if (newConfig) {
            if (!p.keyframe()) {
                droppedPackets++;
                return;
            }
            if (!videoPending.isEmpty()) {
                cutVideo(dts);
            }
            if (videoConfig != null) {
                videoDiscontinuity = true;
                LOG.info("stream {}: new H.264 configuration {}", name, p.config());
            }
            videoConfig = (AvcConfig) p.config();
            videoInit++;
        }
        if (videoPending.isEmpty()) {
            if (!p.keyframe() || (session.frozen && session.mapped(dts) < videoEnd90k)) {
                droppedPackets++;
                return;
            }
        } else if (p.keyframe() && dts - videoPending.get(0).dts() >= target90k) {
            cutVideo(dts);
        }
        if (videoDtsValid) {
            lastVideoDelta = dts - lastVideoDts;
        }
        lastVideoDts = dts;
        videoDtsValid = true;
        videoPending.add(new PendingVideo(dts, cto, p.keyframe(), p.data()));
    }

    private void cutVideo(long endDts) {
        int n = videoPending.size();
        List<Sample> samples = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            PendingVideo v = videoPending.get(i);
            long next = i + 1 < n ? videoPending.get(i + 1).dts() : endDts;
            samples.add(new Sample(clampDuration(next - v.dts()), v.cto(), v.key(), v.data()));
        }
        long base = session.mapped(videoPending.get(0).dts());
        long duration = endDts - videoPending.get(0).dts();
        videoPending.clear();
        session.frozen = true;
        byte[] data = CmafWriter.mediaSegment(++videoSeq, base, samples, true);
        videoEnd90k = base + duration;
        Segment s = new Segment(MediaKind.VIDEO, videoConfig, videoInit, data, base, duration,
                MediaPacket.TIMESCALE, n, videoDiscontinuity, session.wallAt(base));
        videoDiscontinuity = false;
        listener.onSegment(s);
        if (session.audioSeen) {
            audioCuts.add(videoEnd90k);
            if (audioCuts.size() > MAX_PENDING_CUTS) {
                audioCuts.poll();
            }
            cutAudioReached();
        }
    }

    private void onAudio(MediaPacket p) {
        if (!session.audioSeen) {
            session.audioSeen = true;
            session.admitTrack(p.dts(), audioEnd90k);
        }
        if (audioConfig == null || (p.config() != audioConfig && !p.config().equals(audioConfig))) {
            if (!audioPending.isEmpty()) {
                cutAudio(new ArrayList<>(audioPending));
                audioPending.clear();
            }
            if (audioConfig != null) {
                audioDiscontinuity = true;
                LOG.info("stream {}: new AAC configuration {}", name, p.config());
            }
            audioConfig = (AacConfig) p.config();
            audioInit++;
            audioAnchored = false;
        }
        audioPending.add(new PendingAudio(p.dts(), p.data()));
        cutAudioReached();
        long pendingTicks = (long) audioPending.size() * audioConfig.frameDurationTicks();
        if ((!session.videoSeen && pendingTicks >= target90k) || pendingTicks >= AUDIO_STALL_TARGETS * target90k) {
            audioCuts.clear();
            cutAudio(new ArrayList<>(audioPending));
            audioPending.clear();
        }
    }

    /** Cuts audio at every pending cut point that audio has reached (an audio packet at or after it). */
    private void cutAudioReached() {
        while (!audioCuts.isEmpty() && !audioPending.isEmpty()
                && session.mapped(audioPending.get(audioPending.size() - 1).dts()) >= audioCuts.peek()) {
            cutAudioBefore(audioCuts.poll());
        }
    }

    private void cutAudioBefore(long cut90k) {
        int n = 0;
        while (n < audioPending.size() && session.mapped(audioPending.get(n).dts()) < cut90k) {
            n++;
        }
        if (n == 0) {
            return;
        }
        List<PendingAudio> batch = new ArrayList<>(audioPending.subList(0, n));
        audioPending.subList(0, n).clear();
        cutAudio(batch);
    }

    private void cutAudio(List<PendingAudio> batch) {
        int rate = audioConfig.sampleRate();
        int frame = AacConfig.SAMPLES_PER_FRAME;
        List<Sample> samples = new ArrayList<>(batch.size());
        long base = -1;
        int[] extra = new int[batch.size()];
        for (PendingAudio a : batch) {
            long actual = Session.toTicks(session.mapped(a.dts()), MediaPacket.TIMESCALE, rate);
            if (!audioAnchored) {
                audioNext = Math.max(actual, Session.toTicks(audioEnd90k, MediaPacket.TIMESCALE, rate));
                audioAnchored = true;
            } else if (actual - audioNext > frame) {
                if (samples.isEmpty()) {
                    audioNext = actual;
                } else {
                    extra[samples.size() - 1] += (int) Math.min(actual - audioNext, Integer.MAX_VALUE / 2);
                    audioNext = actual;
                }
            } else if (audioNext - actual > frame) {
                droppedPackets++;
                continue;
            }
            if (base < 0) {
                base = audioNext;
            }
            samples.add(new Sample(frame, 0, true, a.data()));
            audioNext += frame;
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
        byte[] data = CmafWriter.mediaSegment(++audioSeq, base, samples, false);
        audioEnd90k = Session.to90k(base + duration, rate);
        Segment s = new Segment(MediaKind.AUDIO, audioConfig, audioInit, data, base, duration, rate,
                samples.size(), audioDiscontinuity, session.wallAt(Session.to90k(base, rate)));
        audioDiscontinuity = false;
        listener.onSegment(s);
    }

    private static int clampDuration(long ticks) {
        return (int) Math.max(0, Math.min(ticks, Integer.MAX_VALUE / 2));
    }
}
