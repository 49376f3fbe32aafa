package dev.amphi.hls.cmaf;

import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Cuts one stream's packets into CMAF segments: video at the first keyframe at or after the target
 * duration, audio at the same instants (or by its own duration when the session has no video).
 * Keeps every track's {@code tfdt} continuous, and the media timeline monotonic across publish
 * sessions; a new session or new codec parameters mark the next segment as a discontinuity.
 *
 * <p>A stream has one audio track and one or more video tracks (an encoder ladder's renditions,
 * whose encoders put keyframes at the same timestamps). All tracks share one session, so the same
 * timestamp maps to the same media time, hence the same {@code tfdt}, in every track; each video
 * track is cut on its own keyframes by the same rule, so aligned keyframes give aligned segments.
 * The first segment of a track that starts after another video track of the session measures the
 * target from the session's first keyframe, so a rung that starts a frame late still cuts on the
 * common grid; so does a track that resumes after it ended on its own. Audio follows the cuts of
 * the first active video track (track 0 unless it ended), and its own duration once every video
 * track ended. Tracks can end one by one ({@link #onTrackEnd}); the session ends with its last
 * track, or at {@link #onEnd}.
 *
 * <p>Not thread-safe: owned by the stream's worker thread (or a lock), which calls
 * {@link #onPacket} and the ends serially; the listener is called on that thread.
 */
public final class StreamSegmenter {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StreamSegmenter.class);
    /** Most video tracks of one stream. */
    public static final int MAX_VIDEO_TRACKS = 16;

    private final String name;
    private final long target90k;
    private final Clock clock;
    private final SegmentListener listener;
    private final VideoTrack[] video;
    private final AudioTrack audio;

    private Session session;
    private long timelineEnd90k;
    private int sessions;
    /** Tracks with packets in the current session that have not ended. */
    private int activeTracks;
    private long droppedPackets;

    private record PendingVideo(long dts, int cto, boolean key, byte[] data) { }

    /** One video track's state. */
    private static final class VideoTrack {
        final int index;
        final List<PendingVideo> pending = new ArrayList<>();
        AvcConfig config;
        int init;
        boolean discontinuity;
        long lastDts;
        long lastDelta;
        boolean dtsValid;
        long end90k;
        int seq;
        /** Has packets in the current session and has not ended. */
        boolean active;
        boolean seenInSession;
        /** The pending segment is the track's first of the session. */
        boolean firstOfSession;

        VideoTrack(int index) {
            this.index = index;
        }
    }

    /**
     * A segmenter for one video track and one audio track.
     *
     * @param name      stream name, for logs
     * @param target90k target segment duration in 90 kHz ticks
     * @param clock     wall clock for program date-times
     * @param listener  receives the segments, on the caller's thread
     */
    public StreamSegmenter(String name, long target90k, Clock clock, SegmentListener listener) {
        this(name, 1, target90k, clock, listener);
    }

    /**
     * A segmenter for {@code videoTracks} video tracks (a ladder's renditions) and one audio track.
     *
     * @param videoTracks 1 to {@link #MAX_VIDEO_TRACKS}
     */
    public StreamSegmenter(String name, int videoTracks, long target90k, Clock clock, SegmentListener listener) {
        if (target90k <= 0) {
            throw new IllegalArgumentException("target duration must be positive, was " + target90k + " ticks");
        }
        if (videoTracks < 1 || videoTracks > MAX_VIDEO_TRACKS) {
            throw new IllegalArgumentException("video tracks must be between 1 and " + MAX_VIDEO_TRACKS + ", was "
                    + videoTracks);
        }
        this.name = Objects.requireNonNull(name, "name");
        this.target90k = target90k;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.audio = new AudioTrack(name, target90k, listener);
        this.video = new VideoTrack[videoTracks];
        for (int i = 0; i < videoTracks; i++) {
            video[i] = new VideoTrack(i);
        }
    }

    /** Packets dropped because they could not start or continue a segment (no keyframe yet, time going back). */
    public long droppedPackets() {
        return droppedPackets + audio.dropped();
    }

    /** Whether a publish session is in progress. */
    public boolean inSession() {
        return session != null;
    }

    /** Whether this stream has had a video track. */
    public boolean hasVideo() {
        for (VideoTrack t : video) {
            if (t.config != null) {
                return true;
            }
        }
        return false;
    }

    /** Whether video track {@code track} has had packets. */
    public boolean hasVideo(int track) {
        return video[checkTrack(track)].config != null;
    }

    /** Whether this stream has had an audio track. */
    public boolean hasAudio() {
        return audio.config() != null;
    }

    /** An audio packet, or a video packet of track 0. */
    public void onPacket(MediaPacket p) {
        onPacket(0, p);
    }

    /** An audio packet ({@code videoTrack} is ignored), or a video packet of track {@code videoTrack}. */
    public void onPacket(int videoTrack, MediaPacket p) {
        checkTrack(videoTrack);
        if (session == null) {
            session = new Session(clock.instant(), p.dts(), timelineEnd90k);
            sessions++;
            if (sessions > 1) {
                for (VideoTrack t : video) {
                    t.discontinuity = true;
                }
                audio.markDiscontinuity();
            }
        }
        if (p.kind() == MediaKind.VIDEO) {
            onVideo(video[videoTrack], p);
        } else {
            onAudio(p);
        }
    }

    /** The publisher stopped: flushes what is pending and ends the session. */
    public void onEnd() {
        if (session == null) {
            return;
        }
        for (VideoTrack t : video) {
            flushVideo(t);
        }
        audio.flush(session);
        endSession();
    }

    /**
     * One track stopped (a ladder rendition's sink ended): flushes it, tells the listener, and ends
     * the session when no other track is active. Packets for it later resume it after a
     * discontinuity.
     *
     * @param track the video track index; ignored for audio
     */
    public void onTrackEnd(MediaKind kind, int track) {
        checkTrack(track);
        if (session == null) {
            return;
        }
        if (kind == MediaKind.VIDEO) {
            VideoTrack t = video[track];
            if (!t.active) {
                return;
            }
            flushVideo(t);
            t.active = false;
            t.dtsValid = false;
            t.discontinuity = true;
            session.videoStopped = firstActiveVideo() < 0;
        } else {
            if (!audio.active) {
                return;
            }
            audio.flush(session);
            audio.stop();
            audio.markDiscontinuity();
        }
        activeTracks--;
        listener.onTrackEnd(kind, kind == MediaKind.VIDEO ? track : 0);
        if (activeTracks <= 0) {
            endSession();
        }
    }

    private int checkTrack(int track) {
        if (track < 0 || track >= video.length) {
            throw new IndexOutOfBoundsException("video track " + track + " of stream " + name + " with "
                    + video.length + " video tracks");
        }
        return track;
    }

    /** Index of the first video track with packets in this session that has not ended, or -1. */
    private int firstActiveVideo() {
        for (VideoTrack t : video) {
            if (t.active) {
                return t.index;
            }
        }
        return -1;
    }

    private void flushVideo(VideoTrack t) {
        if (!t.pending.isEmpty()) {
            cutVideo(t, t.lastDts + (t.lastDelta > 0 ? t.lastDelta : MediaPacket.TIMESCALE / 30));
        }
    }

    private void endSession() {
        long end = audio.end90k();
        for (VideoTrack t : video) {
            end = Math.max(end, t.end90k);
            t.active = false;
            t.dtsValid = false;
            t.seenInSession = false;
        }
        timelineEnd90k = Math.max(timelineEnd90k, end);
        session = null;
        activeTracks = 0;
        audio.stop();
        listener.onSessionEnd();
    }

    private void onVideo(VideoTrack t, MediaPacket p) {
        if (!t.seenInSession) {
            t.seenInSession = true;
            t.firstOfSession = true;
            session.videoSeen = true;
            session.admitTrack(p.dts(), t.end90k);
        }
        if (!t.active) {
            t.active = true;
            t.firstOfSession = true; // measure the target from the session's first keyframe: back on the grid
            activeTracks++;
            session.videoStopped = false;
        }
        long dts = p.dts();
        int cto = p.compositionOffset();
        if (t.dtsValid && dts <= t.lastDts) {
            cto += (int) (dts - (t.lastDts + 1));
            dts = t.lastDts + 1;
        }
        boolean newConfig = t.config == null || (p.config() != t.config && !p.config().equals(t.config));
        if (newConfig) {
            if (!p.keyframe()) {
                droppedPackets++;
                return;
            }
            if (!t.pending.isEmpty()) {
                cutVideo(t, dts);
            }
            if (t.config != null) {
                t.discontinuity = true;
                LOG.info("stream {}: new H.264 configuration {} on video track {}", name, p.config(), t.index);
            }
            t.config = (AvcConfig) p.config();
            t.init++;
        }
        if (t.pending.isEmpty()) {
            if (!p.keyframe() || (session.frozen && session.mapped(dts) < t.end90k)) {
                droppedPackets++;
                return;
            }
            if (!session.videoOriginSet) {
                session.videoOriginSet = true;
                session.videoOrigin = dts;
            }
        } else if (p.keyframe() && dts - segmentStart(t) >= target90k) {
            cutVideo(t, dts);
        }
        if (t.dtsValid) {
            t.lastDelta = dts - t.lastDts;
        }
        t.lastDts = dts;
        t.dtsValid = true;
        t.pending.add(new PendingVideo(dts, cto, p.keyframe(), p.data()));
    }

    /** Where the target of the pending segment is measured from. */
    private long segmentStart(VideoTrack t) {
        long first = t.pending.get(0).dts();
        return t.firstOfSession ? Math.min(first, session.videoOrigin) : first;
    }

    private void cutVideo(VideoTrack t, long endDts) {
        List<PendingVideo> pending = t.pending;
        int n = pending.size();
        List<Sample> samples = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            PendingVideo v = pending.get(i);
            long next = i + 1 < n ? pending.get(i + 1).dts() : endDts;
            samples.add(new Sample(clampDuration(next - v.dts()), v.cto(), v.key(), v.data()));
        }
        long base = session.mapped(pending.get(0).dts());
        long duration = endDts - pending.get(0).dts();
        pending.clear();
        t.firstOfSession = false;
        session.frozen = true;
        byte[] data = CmafWriter.mediaSegment(++t.seq, base, samples, true);
        t.end90k = base + duration;
        Segment s = new Segment(MediaKind.VIDEO, t.index, t.config, t.init, data, base, duration,
                MediaPacket.TIMESCALE, n, t.discontinuity, session.wallAt(base));
        t.discontinuity = false;
        listener.onSegment(s);
        if (session.audioSeen && t.index == firstActiveVideo()) {
            audio.addCut(session, t.end90k);
        }
    }

    private void onAudio(MediaPacket p) {
        if (!session.audioSeen) {
            session.audioSeen = true;
            session.admitTrack(p.dts(), audio.end90k());
        }
        if (!audio.active) {
            audio.active = true;
            activeTracks++;
        }
        audio.onPacket(session, p);
    }

    private static int clampDuration(long ticks) {
        return (int) Math.max(0, Math.min(ticks, Integer.MAX_VALUE / 2));
    }
}
