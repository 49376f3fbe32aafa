package dev.amphi.transcode.interactive;

import dev.amphi.media.MediaFanout;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import java.util.concurrent.Executor;

/**
 * One subscriber of a room's {@link InteractiveRendition}. Its video comes from one
 * {@link VideoTrack} at a time, through a {@link Feed} (a subscription to that track's fan-out):
 * a feed passes packets on from its first IDR. Changing the size picks a switch time S (just after
 * the last canvas the program handed over) and opens a pending feed on the other track, which is
 * made to put an IDR on its first frame at or after S; the old feed delivers what comes before S,
 * the new one from that IDR on, and the old feed is then closed. Both decisions go by timestamps
 * only, so the two threads cannot race: the sink sees increasing timestamps and an IDR where the
 * size changes (a new size's encoder that is still opening at S makes a short pause, not a jump
 * back). Its audio is one fan-out of its own, fed the packet of its mix each frame.
 *
 * <p>Locks: the rendition's guards which feeds exist; {@code sinkLock} makes the video sink's calls
 * one at a time (two feeds may deliver from two threads while switching). A feed taking over takes
 * the rendition's lock inside {@code sinkLock}; nothing takes {@code sinkLock} under the rendition's.
 */
final class Subscriber implements InteractiveProgram.Subscription {

    private final InteractiveRendition owner;
    private final String speakerId;
    private final String name;
    private final MediaSink videoSink;
    private final Executor delivery;
    private final Object sinkLock = new Object();

    // guarded by owner
    private InteractiveProgram.VideoSize size = InteractiveProgram.VideoSize.LOW;
    private boolean closed;
    private long retiredVideoDrops;
    private volatile Feed current;
    private volatile Feed pending;

    /** Audio: set before the subscriber is published. */
    MediaFanout audioOut;
    MediaFanout.Subscription audio;

    // guarded by sinkLock
    private long lastDts = Long.MIN_VALUE;

    Subscriber(InteractiveRendition owner, String speakerId, String name, MediaSink videoSink, Executor delivery) {
        this.owner = owner;
        this.speakerId = speakerId;
        this.name = name;
        this.videoSink = videoSink;
        this.delivery = delivery;
    }

    /** Opens the first feed, on {@code track}; under the owner's lock, before publishing. */
    void start(VideoTrack track) {
        Feed f = new Feed(track, Long.MIN_VALUE);
        f.sub = track.out.subscribe(name + "-video", f, delivery, InteractiveRendition.VIDEO_QUEUE);
        current = f;
    }

    boolean hasVideo() {
        return videoSink != null;
    }

    boolean hasAudio() {
        return audio != null;
    }

    /** Whether a feed of this subscriber is on {@code track}; under the owner's lock. */
    boolean watches(VideoTrack track) {
        Feed c = current;
        Feed p = pending;
        return c != null && c.track == track || p != null && p.track == track;
    }

    /** Video packets dropped on {@code track}'s feeds (now open). */
    long videoDropsOn(VideoTrack track) {
        long n = 0;
        Feed c = current;
        Feed p = pending;
        if (c != null && c.track == track) {
            n += c.sub.droppedVideo();
        }
        if (p != null && p.track == track && p.sub != null) {
            n += p.sub.droppedVideo();
        }
        return n;
    }

    @Override
    public String speakerId() {
        return speakerId;
    }

    @Override
    public long droppedVideo() {
        synchronized (owner) {
            return retiredVideoDrops + (current == null ? 0 : current.sub.droppedVideo())
                    + (pending == null || pending.sub == null ? 0 : pending.sub.droppedVideo());
        }
    }

    @Override
    public long droppedAudio() {
        return audio == null ? 0 : audio.droppedAudio();
    }

    @Override
    public InteractiveProgram.VideoSize videoSize() {
        synchronized (owner) {
            return size;
        }
    }

    @Override
    public void videoSize(InteractiveProgram.VideoSize newSize) {
        synchronized (owner) {
            if (videoSink == null) {
                throw new IllegalStateException("this subscriber takes no video");
            }
            VideoTrack track = owner.track(newSize);
            if (closed || newSize == size) {
                return;
            }
            size = newSize;
            Feed p = pending;
            if (p != null) { // a change not yet made: call it off; the current feed held back from its S on
                p.sub.close();
                retiredVideoDrops += p.sub.droppedVideo();
                pending = null;
                current.resync = true;
                current.track.requestKeyframe();
            }
            if (current.track != track) {
                long from = owner.lastCanvasPts() + 1;
                Feed f = new Feed(track, from);
                f.sub = track.out.subscribe(name + "-video-" + newSize.name().toLowerCase(java.util.Locale.ROOT), f, delivery,
                        InteractiveRendition.VIDEO_QUEUE);
                track.keyframeFrom(from);
                pending = f;
            }
            owner.update();
        }
    }

    @Override
    public void requestKeyframe() {
        Feed c = current;
        Feed p = pending;
        if (c != null) {
            c.track.requestKeyframe();
        }
        if (p != null) {
            p.track.requestKeyframe();
        }
    }

    /** Audio thread: one packet of this subscriber's mix. */
    void deliverAudio(MediaPacket p) {
        audioOut.onPacket(p);
    }

    /** Unsubscribes; under the owner's lock. Returns the drops of its subscriptions, for the totals. */
    long closeFeeds() {
        if (closed) {
            return 0;
        }
        closed = true;
        long drops = droppedVideo() + droppedAudio();
        for (Feed f : new Feed[] {current, pending}) {
            if (f != null && f.sub != null) {
                f.sub.close();
            }
        }
        if (audio != null) {
            audio.close();
        }
        return drops;
    }

    @Override
    public void close() {
        owner.unsubscribe(this);
    }

    /** The pending feed took over: closes the old one; under the owner's lock. */
    void promote(Feed feed) {
        if (pending != feed) {
            return;
        }
        Feed old = current;
        current = feed;
        pending = null;
        if (old != null) {
            old.sub.close();
            retiredVideoDrops += old.sub.droppedVideo();
        }
    }

    /** One subscription of this subscriber to one track's fan-out. */
    final class Feed implements MediaSink {
        final VideoTrack track;
        /** A pending feed starts at its first IDR at or after this; the current one delivers only before it. */
        final long from;
        MediaFanout.Subscription sub; // set under the owner's lock right after subscribing
        private boolean started; // guarded by sinkLock
        /** Packets were held back for a change of size that was called off: start again at an IDR. */
        volatile boolean resync;

        Feed(VideoTrack track, long from) {
            this.track = track;
            this.from = from;
        }

        @Override
        public void onPacket(MediaPacket packet) {
            synchronized (sinkLock) {
                if (this == pending) {
                    if (!packet.keyframe() || packet.pts() < from) {
                        return;
                    }
                    owner.promote(Subscriber.this, this);
                    if (this != current) {
                        return; // the change was called off meanwhile
                    }
                    started = true;
                } else if (this != current) {
                    return; // replaced
                } else {
                    Feed p = pending;
                    if (p != null && packet.pts() >= p.from) {
                        return; // the new size takes over from there
                    }
                    if (!started || resync) {
                        if (!packet.keyframe()) {
                            return;
                        }
                        started = true;
                        resync = false;
                    }
                }
                if (packet.dts() <= lastDts) {
                    return; // never back in time across a change of size
                }
                lastDts = packet.dts();
                videoSink.onPacket(packet);
            }
        }

        @Override
        public void onEnd() {
            synchronized (sinkLock) {
                if (this == current) {
                    videoSink.onEnd();
                }
            }
        }
    }
}
