package dev.amphi.transcode.interactive;

import dev.amphi.media.MediaFanout;
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
    private final VideoTrack low;
    private final VideoTrack high; // null: one size only
    private final List<Subscriber> subs = new CopyOnWriteArrayList<>();
    private final ExecutorService delivery;
    private final MixFrames mixFrames = new MixFrames(); // program thread only

    // guarded by this
    private boolean closed;
    private AudioWorker audioWorker;
    private long retiredDrops;

    // read by the program thread
    private volatile AudioWorker liveAudio;
    private volatile Set<String> audioSpeakers = Set.of();
    private volatile List<Subscriber> audioSubs = List.of();
    private volatile long lastCanvasPts = Long.MIN_VALUE + 1;

    final AtomicLong framesDropped = new AtomicLong();
    private final AtomicLong framesEncoded = new AtomicLong();
    private final AtomicLong keyframesForced = new AtomicLong();
    private final AtomicLong encodeNanos = new AtomicLong();
    private final AtomicLong delayNanos = new AtomicLong();
    private final AtomicLong maxDelayNanos = new AtomicLong();
    private final AtomicLong mixesEncoded = new AtomicLong();
    private final AtomicLong audioFramesDropped = new AtomicLong();
    private final AtomicInteger mixesRunning = new AtomicInteger();

    /** A rendition with one video size. */
    public InteractiveRendition(String room, int canvasW, int canvasH, VideoSettings video) {
        this(room, canvasW, canvasH, video, null);
    }

    /**
     * @param room    the room, in thread names
     * @param canvasW the program canvas the video is scaled from
     * @param video   the {@link VideoSize#LOW} size, every subscriber's at first
     * @param high    the {@link VideoSize#HIGH} size, or null for none
     */
    public InteractiveRendition(String room, int canvasW, int canvasH, VideoSettings video, VideoSettings high) {
        this.room = Objects.requireNonNull(room, "room");
        this.canvasW = canvasW;
        this.canvasH = canvasH;
        this.low = new VideoTrack(this, room, VideoSize.LOW, Objects.requireNonNull(video, "video"));
        this.high = high == null ? null : new VideoTrack(this, room, VideoSize.HIGH, high);
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
        Subscriber sub = new Subscriber(this, speakerId, name, video, delivery);
        if (video != null) {
            if (low.running()) {
                low.requestKeyframe(); // its first packet is the next IDR
            }
            sub.start(low);
        }
        if (audio != null) {
            sub.audioOut = MediaFanout.create();
            sub.audio = sub.audioOut.subscribe(name + "-audio", audio, delivery, AUDIO_QUEUE);
        }
        subs.add(sub);
        update();
        return sub;
    }

    @Override
    public Set<VideoSize> videoSizes() {
        return high == null ? Set.of(VideoSize.LOW) : Set.of(VideoSize.LOW, VideoSize.HIGH);
    }

    @Override
    public void requestKeyframe() {
        low.requestKeyframe();
        if (high != null) {
            high.requestKeyframe();
        }
    }

    @Override
    public synchronized InteractiveStats stats() {
        long drops = retiredDrops + audioFramesDropped.get() * audioSubs.size();
        for (Subscriber s : subs) {
            drops += s.droppedVideo() + s.droppedAudio();
        }
        return new InteractiveStats(subs.size(), framesEncoded.get(), framesDropped.get(), keyframesForced.get(),
                encodeNanos.get(), delayNanos.get(), maxDelayNanos.get(), mixesEncoded.get(), mixesRunning.get(), drops);
    }

    /** Ends every subscriber's streams ({@code onEnd}) and stops the workers; waits for them (bounded). */
    @Override
    public void close() {
        List<Thread> threads = new java.util.ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (VideoTrack t : tracks()) {
                VideoWorker w = t.detach();
                if (w != null) {
                    w.stop();
                    threads.add(w.thread);
                }
            }
            if (audioWorker != null) {
                audioWorker.stop();
                threads.add(audioWorker.thread);
            }
            audioWorker = null;
            liveAudio = null;
        }
        try {
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (VideoTrack t : tracks()) {
            t.out.onEnd();
        }
        for (Subscriber s : subs) {
            if (s.audioOut != null) {
                s.audioOut.onEnd();
            }
        }
        delivery.shutdown(); // the ends queued above still run
    }

    // ---- the program thread

    /** Program thread: the canvas of a frame, before the ladder takes it; copied when someone watches. */
    public void video(Picture canvas, long pts90k) {
        lastCanvasPts = pts90k;
        low.offer(canvas, pts90k);
        if (high != null) {
            high.offer(canvas, pts90k);
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

    // ---- subscribers and workers

    private List<VideoTrack> tracks() {
        return high == null ? List.of(low) : List.of(low, high);
    }

    /** The pts of the last canvas the program handed over (whether or not anyone watched). */
    long lastCanvasPts() {
        return lastCanvasPts;
    }

    /** The track of {@code size}; IllegalArgumentException when this program has no such size. */
    VideoTrack track(VideoSize size) {
        VideoTrack t = size == VideoSize.HIGH ? high : low;
        if (t == null) {
            throw new IllegalArgumentException("this program has no " + size + " interactive video; it has " + videoSizes());
        }
        return t;
    }

    synchronized void unsubscribe(Subscriber sub) {
        if (subs.remove(sub)) {
            retiredDrops += sub.closeFeeds();
            if (!closed) {
                update();
            }
        }
    }

    /** A subscriber's pending feed takes over (its first IDR came). */
    synchronized void promote(Subscriber sub, Subscriber.Feed feed) {
        sub.promote(feed);
        if (!closed) {
            update();
        }
    }

    /** Starts the workers now wanted, stops those no longer wanted; under the lock. */
    synchronized void update() {
        List<Subscriber> listening = new java.util.ArrayList<>();
        Set<String> speakers = new HashSet<>();
        for (Subscriber s : subs) {
            if (s.hasAudio()) {
                listening.add(s);
                if (s.speakerId() != null) {
                    speakers.add(s.speakerId());
                }
            }
        }
        for (VideoTrack t : tracks()) {
            boolean wanted = false;
            for (Subscriber s : subs) {
                wanted |= s.watches(t);
            }
            t.want(wanted, canvasW, canvasH);
        }
        audioSubs = List.copyOf(listening);
        audioSpeakers = Set.copyOf(speakers);
        if (!listening.isEmpty() && audioWorker == null) {
            audioWorker = new AudioWorker(this, room);
            audioWorker.start();
        } else if (listening.isEmpty() && audioWorker != null) {
            audioWorker.stop();
            audioWorker = null;
        }
        liveAudio = audioWorker;
    }

    /** Video thread: video packets dropped by the subscribers now on {@code track}. */
    long videoDropsOn(VideoTrack track) {
        long n = 0;
        for (Subscriber s : subs) {
            n += s.videoDropsOn(track);
        }
        return n;
    }

    void keyframeForced() {
        keyframesForced.incrementAndGet();
    }

    void encoded(long encodeTime, long delay) {
        framesEncoded.incrementAndGet();
        encodeNanos.addAndGet(encodeTime);
        delayNanos.addAndGet(delay);
        maxDelayNanos.accumulateAndGet(delay, Math::max);
    }

    List<Subscriber> audioSubscribers() {
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
}
