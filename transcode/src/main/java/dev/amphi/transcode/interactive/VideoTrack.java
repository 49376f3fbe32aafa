package dev.amphi.transcode.interactive;

import dev.amphi.media.MediaFanout;
import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.frame.Picture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One size of the interactive video: its settings, the fan-out its subscribers are on, its
 * {@link VideoWorker} while anyone watches it, and its keyframe rule (an IDR at the next frame
 * when asked for, at most one per {@value InteractiveRendition#KEYFRAME_INTERVAL_MILLIS} ms of
 * program time counted from its last IDR of any kind; requests in between merge into one).
 */
final class VideoTrack {

    private static final long KEYFRAME_INTERVAL_TICKS =
            MediaPacket.millisToTicks(InteractiveRendition.KEYFRAME_INTERVAL_MILLIS);

    final InteractiveProgram.VideoSize size;
    final InteractiveRendition.VideoSettings settings;
    final MediaFanout out = MediaFanout.create();
    private final InteractiveRendition owner;
    private final String threadName;

    /** Guarded by the owner. */
    private VideoWorker worker;
    private volatile VideoWorker live;

    private final AtomicLong keyframeRequests = new AtomicLong();
    /** An IDR at the first frame at or after this pts (a subscriber changing to this size), not rate-limited. */
    private final AtomicLong idrFrom = new AtomicLong(Long.MAX_VALUE);
    private long keyframesServed; // video thread
    private long keyframesAsked; // video thread: requests counted when the current frame started
    private volatile long lastIdrPts = Long.MIN_VALUE / 2;
    private long videoDropsSeen; // video thread

    VideoTrack(InteractiveRendition owner, String room, InteractiveProgram.VideoSize size,
            InteractiveRendition.VideoSettings settings) {
        this.owner = owner;
        this.size = size;
        this.settings = settings;
        this.threadName = "amphi-interactive-" + room + (size == InteractiveProgram.VideoSize.LOW ? "-video" : "-video-high");
    }

    /** Starts or stops the worker; under the owner's lock. */
    void want(boolean wanted, int canvasW, int canvasH) {
        if (wanted && worker == null) {
            worker = new VideoWorker(this, threadName, canvasW, canvasH, settings);
            worker.start();
        } else if (!wanted && worker != null) {
            worker.stop();
            worker = null;
        }
        live = worker;
    }

    /** The worker, now forgotten, for the owner to stop and join when it closes; under its lock. */
    VideoWorker detach() {
        VideoWorker w = worker;
        worker = null;
        live = null;
        return w;
    }

    boolean running() {
        return live != null;
    }

    /** Program thread. */
    void offer(Picture canvas, long pts90k) {
        VideoWorker w = live;
        if (w != null) {
            w.offer(canvas, pts90k);
        }
    }

    void requestKeyframe() {
        keyframeRequests.incrementAndGet();
    }

    /** An IDR at the first frame at or after {@code pts}: where a subscriber changing to this size starts. */
    void keyframeFrom(long pts) {
        idrFrom.accumulateAndGet(pts, Math::min);
    }

    /** Video thread: whether the frame at {@code pts} must be an IDR. */
    boolean keyframeDue(long pts) {
        long from = idrFrom.get();
        if (pts >= from && idrFrom.compareAndSet(from, Long.MAX_VALUE)) {
            owner.keyframeForced();
            return true;
        }
        long asked = keyframeRequests.get();
        keyframesAsked = asked;
        if (asked > keyframesServed && pts - lastIdrPts >= KEYFRAME_INTERVAL_TICKS) {
            keyframesServed = asked;
            owner.keyframeForced();
            return true;
        }
        return false;
    }

    /** Video thread: an IDR went out (forced or at the end of a GOP); it serves the requests made so far. */
    void sawKeyframe(long pts) {
        lastIdrPts = pts;
        keyframesServed = Math.max(keyframesServed, keyframesAsked);
    }

    void frameDropped() {
        owner.framesDropped.incrementAndGet();
    }

    void encoded(long encodeTime, long delay) {
        owner.encoded(encodeTime, delay);
    }

    /** Video thread: one packet to every subscriber of this size; one that just dropped video gets an IDR soon. */
    void deliver(MediaPacket p) {
        out.onPacket(p);
        long drops = owner.videoDropsOn(this);
        if (drops > videoDropsSeen) {
            requestKeyframe(); // its queue skips to the next keyframe: do not make it wait a whole GOP
        }
        videoDropsSeen = drops;
    }
}
