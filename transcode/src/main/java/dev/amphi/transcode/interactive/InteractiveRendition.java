package dev.amphi.transcode.interactive;

import dev.amphi.media.MediaFanout;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import dev.amphi.transcode.audio.AudioMixer;
import dev.amphi.transcode.frame.Picture;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A room's {@link InteractiveProgram}: the subscribers, the video and audio workers started for
 * the first subscriber that wants them and stopped after the last one leaves, and the program
 * thread's two hooks, {@link #video} and {@link #audio}, which do nothing while nobody subscribes.
 */
public final class InteractiveRendition implements InteractiveProgram, AutoCloseable {

    /** At most one forced IDR per this much program time. */
    public static final int KEYFRAME_INTERVAL_MILLIS = 500;
    /** Bitrate of each Opus mix (mono, voice). */
    public static final int OPUS_BITRATE = 32_000;
    /** Video packets queued per subscriber (1 s at 30 fps) before its video drops to the next keyframe. */
    static final int VIDEO_QUEUE = 30;
    /** Audio packets queued per subscriber before its audio drops (twice this: 2 s). */
    static final int AUDIO_QUEUE = 50;
    private static final long KEYFRAME_INTERVAL_TICKS = MediaPacket.millisToTicks(KEYFRAME_INTERVAL_MILLIS);

    /**
     * The interactive video.
     *
     * @param width     even, 16..3840
     * @param height    even, 16..2160
     * @param bitrate   bit/s, 100000..20000000
     * @param preset    x264 preset
     * @param fps       frames per second (the program's)
     * @param gopFrames frames from one IDR to the next unless one is requested
     */
    public record VideoSettings(int width, int height, int bitrate, String preset, int fps, int gopFrames) {
        public VideoSettings {
            if (width < 16 || height < 16 || width > 3840 || height > 2160 || ((width | height) & 1) != 0) {
                throw new IllegalArgumentException("interactive video must be even and within 16x16..3840x2160, got "
                        + width + "x" + height);
            }
            if (bitrate < 100_000 || bitrate > 20_000_000) {
                throw new IllegalArgumentException("interactive video bitrate must be within 100000..20000000, got " + bitrate);
            }
            Objects.requireNonNull(preset, "preset");
            if (fps < 1 || gopFrames < 1) {
                throw new IllegalArgumentException("fps and gopFrames must be positive, got " + fps + ", " + gopFrames);
            }
        }
    }

    private final String room;
    private final int canvasW;
    private final int canvasH;
    private final VideoSettings videoSettings;
    private final MediaFanout videoOut = MediaFanout.create();
    private final List<Sub> subs = new CopyOnWriteArrayList<>();
    private final ExecutorService delivery;
    private final MixFrames mixFrames = new MixFrames(); // program thread only

    // guarded by this
    private boolean closed;
    private VideoWorker videoWorker;
    private AudioWorker audioWorker;
    private long retiredDrops;

    // read by the program thread
    private volatile VideoWorker liveVideo;
    private volatile AudioWorker liveAudio;
    private volatile Set<String> audioSpeakers = Set.of();
    private volatile List<Sub> audioSubs = List.of();

    // keyframes: requests counted from any thread, served on the video thread
    private final AtomicLong keyframeRequests = new AtomicLong();
    private long keyframesServed; // video thread
    private long keyframesAsked; // video thread: requests counted when the current frame started
    private volatile long lastIdrPts = Long.MIN_VALUE / 2;
    private long videoDropsSeen; // video thread

    final AtomicLong framesDropped = new AtomicLong();
    private final AtomicLong framesEncoded = new AtomicLong();
    private final AtomicLong keyframesForced = new AtomicLong();
    private final AtomicLong encodeNanos = new AtomicLong();
    private final AtomicLong delayNanos = new AtomicLong();
    private final AtomicLong maxDelayNanos = new AtomicLong();
    private final AtomicLong mixesEncoded = new AtomicLong();
    private final AtomicLong audioFramesDropped = new AtomicLong();
    private final AtomicInteger mixesRunning = new AtomicInteger();

    /**
     * @param room    the room, in thread names
     * @param canvasW the program canvas the video is scaled from
     */
    public InteractiveRendition(String room, int canvasW, int canvasH, VideoSettings video) {
        this.room = Objects.requireNonNull(room, "room");
        this.canvasW = canvasW;
        this.canvasH = canvasH;
        this.videoSettings = Objects.requireNonNull(video, "video");
        AtomicInteger n = new AtomicInteger();
        // threads are made on the first delivery only
        this.delivery = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "amphi-interactive-" + room + "-out-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    // ---- the API

    @Override
    public synchronized Subscription subscribe(String speakerId, MediaSink video, MediaSink audio) {
        if (video == null && audio == null) {
            throw new IllegalArgumentException("a subscriber needs a video or an audio sink");
        }
        if (closed) {
            throw new IllegalStateException("the program of room " + room + " is closed");
        }
        String name = "interactive-" + room + "-" + (speakerId == null ? "listener" : speakerId);
        Sub sub = new Sub(speakerId);
        if (video != null) {
            sub.video = videoOut.subscribe(name + "-video", new FromKeyframe(video), delivery, VIDEO_QUEUE);
        }
        if (audio != null) {
            sub.audioOut = MediaFanout.create();
            sub.audio = sub.audioOut.subscribe(name + "-audio", audio, delivery, AUDIO_QUEUE);
        }
        subs.add(sub);
        if (video != null && videoWorker != null) {
            requestKeyframe(); // its first packet is the next IDR
        }
        update();
        return sub;
    }

    @Override
    public void requestKeyframe() {
        keyframeRequests.incrementAndGet();
    }

    @Override
    public synchronized InteractiveStats stats() {
        long drops = retiredDrops + audioFramesDropped.get() * audioSubs.size();
        for (Sub s : subs) {
            drops += s.drops();
        }
        return new InteractiveStats(subs.size(), framesEncoded.get(), framesDropped.get(), keyframesForced.get(),
                encodeNanos.get(), delayNanos.get(), maxDelayNanos.get(), mixesEncoded.get(), mixesRunning.get(), drops);
    }

    /** Ends every subscriber's streams ({@code onEnd}) and stops the workers; waits for them (bounded). */
    @Override
    public void close() {
        VideoWorker v;
        AudioWorker a;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            v = videoWorker;
            a = audioWorker;
            videoWorker = null;
            audioWorker = null;
            liveVideo = null;
            liveAudio = null;
        }
        stopAndJoin(v, a);
        videoOut.onEnd();
        for (Sub s : subs) {
            if (s.audioOut != null) {
                s.audioOut.onEnd();
            }
        }
        delivery.shutdown(); // the ends queued above still run
    }

    // ---- the program thread

    /** Program thread: the canvas of a frame, before the ladder takes it; copied when someone watches. */
    public void video(Picture canvas, long pts90k) {
        VideoWorker w = liveVideo;
        if (w != null) {
            w.offer(canvas, pts90k);
        }
    }

    /** Program thread, before {@link AudioMixer#mix}: whether the mixer must keep the speakers' parts. */
    public boolean wantsAudio() {
        return liveAudio != null;
    }

    /** Program thread, after {@link AudioMixer#mix}: the chunk just mixed, for the Opus mixes. */
    public void audio(AudioMixer mixer, float[] mix, long programSample, int count) {
        AudioWorker w = liveAudio;
        if (w == null) {
            mixFrames.reset();
            return;
        }
        mixFrames.add(mixer, mix, programSample, count, audioSpeakers, w::offer);
    }

    // ---- the workers

    /** Starts the workers now wanted, stops those no longer wanted; under the lock. */
    private void update() {
        boolean wantVideo = false;
        List<Sub> listening = new java.util.ArrayList<>();
        Set<String> speakers = new HashSet<>();
        for (Sub s : subs) {
            wantVideo |= s.video != null;
            if (s.audio != null) {
                listening.add(s);
                if (s.speakerId != null) {
                    speakers.add(s.speakerId);
                }
            }
        }
        audioSubs = List.copyOf(listening);
        audioSpeakers = Set.copyOf(speakers);
        if (wantVideo && videoWorker == null) {
            videoWorker = new VideoWorker(this, room, canvasW, canvasH, videoSettings);
            videoWorker.start();
        } else if (!wantVideo && videoWorker != null) {
            videoWorker.stop();
            videoWorker = null;
        }
        if (!listening.isEmpty() && audioWorker == null) {
            audioWorker = new AudioWorker(this, room);
            audioWorker.start();
        } else if (listening.isEmpty() && audioWorker != null) {
            audioWorker.stop();
            audioWorker = null;
        }
        liveVideo = videoWorker;
        liveAudio = audioWorker;
    }

    private static void stopAndJoin(VideoWorker v, AudioWorker a) {
        if (v != null) {
            v.stop();
        }
        if (a != null) {
            a.stop();
        }
        try {
            if (v != null) {
                v.thread.join(TimeUnit.SECONDS.toMillis(10));
            }
            if (a != null) {
                a.thread.join(TimeUnit.SECONDS.toMillis(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Video thread: whether the frame at {@code pts} must be an IDR (asked for, and the last IDR long enough ago). */
    boolean keyframeDue(long pts) {
        long asked = keyframeRequests.get();
        keyframesAsked = asked;
        if (asked > keyframesServed && pts - lastIdrPts >= KEYFRAME_INTERVAL_TICKS) {
            keyframesServed = asked;
            keyframesForced.incrementAndGet();
            return true;
        }
        return false;
    }

    /** Video thread: an IDR went out (forced or at the end of a GOP); it serves the requests made so far. */
    void sawKeyframe(long pts) {
        lastIdrPts = pts;
        keyframesServed = Math.max(keyframesServed, keyframesAsked);
    }

    void encoded(long encodeTime, long delay) {
        framesEncoded.incrementAndGet();
        encodeNanos.addAndGet(encodeTime);
        delayNanos.addAndGet(delay);
        maxDelayNanos.accumulateAndGet(delay, Math::max);
    }

    /** Video thread: one packet to every video subscriber; a subscriber that just dropped video gets an IDR soon. */
    void deliverVideo(MediaPacket p) {
        videoOut.onPacket(p);
        long drops = 0;
        for (Sub s : subs) {
            drops += s.droppedVideo();
        }
        if (drops > videoDropsSeen) {
            requestKeyframe(); // its queue skips to the next keyframe: do not make it wait a whole GOP
        }
        videoDropsSeen = drops;
    }

    List<Sub> audioSubscribers() {
        return audioSubs;
    }

    void mixEncoded() {
        mixesEncoded.incrementAndGet();
    }

    void mixesRunning(int n) {
        mixesRunning.set(n);
    }

    void audioFramesDropped() {
        audioFramesDropped.incrementAndGet();
    }

    /** One subscriber: its speaker id and its queues. */
    final class Sub implements Subscription {
        private final String speakerId;
        private MediaFanout.Subscription video;
        private MediaFanout audioOut;
        private MediaFanout.Subscription audio;
        private boolean closed; // guarded by the rendition

        Sub(String speakerId) {
            this.speakerId = speakerId;
        }

        @Override
        public String speakerId() {
            return speakerId;
        }

        @Override
        public long droppedVideo() {
            return video == null ? 0 : video.droppedVideo();
        }

        @Override
        public long droppedAudio() {
            return audio == null ? 0 : audio.droppedAudio();
        }

        long drops() {
            return droppedVideo() + droppedAudio();
        }

        /** Audio thread: one packet of this subscriber's mix. */
        void deliverAudio(MediaPacket p) {
            audioOut.onPacket(p);
        }

        @Override
        public void close() {
            synchronized (InteractiveRendition.this) {
                if (closed) {
                    return;
                }
                closed = true;
                retiredDrops += drops();
                if (video != null) {
                    video.close();
                }
                if (audio != null) {
                    audio.close();
                }
                subs.remove(this);
                if (!InteractiveRendition.this.closed) {
                    update();
                }
            }
        }
    }

    /** Passes packets on from the first keyframe (a subscriber that joins mid-GOP waits for the next IDR). */
    private static final class FromKeyframe implements MediaSink {
        private final MediaSink sink;
        private boolean started;

        FromKeyframe(MediaSink sink) {
            this.sink = sink;
        }

        @Override
        public void onPacket(MediaPacket packet) {
            started |= packet.keyframe();
            if (started) {
                sink.onPacket(packet);
            }
        }

        @Override
        public void onEnd() {
            sink.onEnd();
        }
    }
}
