package dev.amphi.transcode;

import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import dev.amphi.transcode.audio.ActiveSpeakerDetector;
import dev.amphi.transcode.audio.AudioMixer;
import dev.amphi.transcode.audio.SpeakerAudio;
import dev.amphi.transcode.encode.AacEncoder;
import dev.amphi.transcode.encode.EncoderSettings;
import dev.amphi.transcode.encode.LadderEncoder;
import dev.amphi.transcode.encode.PresetChooser;
import dev.amphi.transcode.frame.Picture;
import dev.amphi.transcode.layout.Layout;
import dev.amphi.transcode.layout.LayoutEngine;
import dev.amphi.transcode.layout.TilePlacement;
import dev.amphi.transcode.video.Compositor;
import dev.amphi.transcode.video.SpeakerVideo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The program of one room; see {@link RoomProgram}. The program thread owns the compositor, the
 * mixer, the audio encoder and the ladder; the speaker map is guarded by {@code this}.
 */
final class DefaultRoomProgram implements RoomProgram, ProgramFrames {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultRoomProgram.class);
    private static final int AUDIO_RATE = 48_000;
    /** Most recent speakers remembered for the speaker layout's filmstrip. */
    private static final int RECENT = 16;

    private final RoomProgramBuilder cfg;
    private final String room;
    private final ExecutorService decoders;
    private final boolean ownDecoders;
    private final long gopFrames;
    private final EncoderSettings encoderSettings;

    // guarded by this
    private final Map<String, Speaker> speakers = new LinkedHashMap<>();
    private long joinCounter;
    private volatile Layout layout;
    private volatile boolean layoutDirty = true;

    // program thread only
    private Compositor compositor;
    private AudioMixer mixer;
    private ActiveSpeakerDetector detector;
    private AacEncoder aac;
    private LadderEncoder ladder;
    private List<TilePlacement> placements = List.of();
    private final List<String> recent = new ArrayList<>();
    private float[] mixBuffer = new float[0];

    private final ProgramClock clock;
    /** {@link #start} succeeded; guarded by this. */
    private boolean started;
    /** {@link #finish} ran; program thread (or the offline driver). */
    private boolean finished;
    private volatile String active;
    private volatile Map<String, Double> levels = Map.of();
    private volatile long frames;
    private volatile int visible;
    private volatile Set<String> visibleIds = Set.of();
    private Layout laidOut; // the layout of the last relayout (program thread)
    private final OverloadGovernor governor = new OverloadGovernor();
    private volatile int shedLevel;

    DefaultRoomProgram(RoomProgramBuilder cfg) {
        this.cfg = cfg;
        this.room = cfg.room;
        this.clock = cfg.clock != null ? cfg.clock : ProgramClock.realTime();
        this.layout = cfg.layout;
        this.gopFrames = cfg.segmentDuration.toNanos() * cfg.fps / 1_000_000_000L;
        String preset = cfg.preset != null ? cfg.preset : switch (cfg.codec) {
            case LIBX264 -> PresetChooser.byCores().preset();
            case OPENH264 -> "default";
            case NVENC -> "p4";
        };
        this.encoderSettings = new EncoderSettings(cfg.codec, preset, cfg.fps, (int) gopFrames, cfg.encoderThreads);
        if (cfg.decodeExecutor != null) {
            this.decoders = cfg.decodeExecutor;
            this.ownDecoders = false;
        } else {
            AtomicInteger n = new AtomicInteger();
            int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
            this.decoders = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "amphi-decode-" + room + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.ownDecoders = true;
        }
    }

    @Override
    public synchronized RoomProgram start() {
        if (started) {
            throw new IllegalStateException("program of room " + room + " already started");
        }
        openPipeline();
        try {
            clock.start(this);
        } catch (RuntimeException | Error e) {
            closePipeline(e);
            throw e;
        }
        started = true;
        return this;
    }

    @Override
    public int fps() {
        return cfg.fps;
    }

    @Override
    public void produce(long n) {
        tick(n);
        frames = n + 1;
    }

    @Override
    public boolean awaitLadderCapacity(long timeout, TimeUnit unit) throws InterruptedException {
        return ladder.awaitCapacity(timeout, unit);
    }

    /** Under this (called from {@link #start}). */
    @Override
    public void layOutNow() {
        layoutDirty = false;
        relayout(new ArrayList<>(speakers.values()));
    }

    @Override
    public synchronized MediaSink decoderOf(String speakerId) {
        Speaker s = speakers.get(speakerId);
        return s == null ? null : s.direct();
    }

    /**
     * Opens the compositor, the mixer and the encoders; when a step fails (an encoder that does not
     * open, e.g. {@code h264_nvenc} without a GPU), what the steps before it opened is freed and
     * the failure thrown.
     */
    private void openPipeline() {
        try {
            compositor = new Compositor(cfg.width, cfg.height);
            compositor.drawLabels(clock.labels());
            mixer = new AudioMixer(cfg.mixLoudest);
            detector = new ActiveSpeakerDetector();
            aac = new AacEncoder(cfg.audioBitrate);
            ladder = new LadderEncoder(room, cfg.width, cfg.height, cfg.ladder, encoderSettings,
                    (rung, packet) -> cfg.output.video(rung).onPacket(packet));
        } catch (RuntimeException | Error e) {
            closePipeline(e);
            throw e;
        }
        LOG.info("room {}: program {}x{} at {} fps, ladder {}, {} preset {}, audio {} kbit/s, layout {}", room, cfg.width,
                cfg.height, cfg.fps, cfg.ladder, cfg.codec.ffmpegName(), encoderSettings.preset(), cfg.audioBitrate / 1000,
                layout.spec());
    }

    @Override
    public String room() {
        return room;
    }

    /** Program time now, 90 kHz, from the program's clock. */
    long programNow() {
        return clock.now();
    }

    @Override
    public MediaSink join(String speakerId, String displayName) {
        if (speakerId == null || speakerId.isBlank() || speakerId.length() > 128) {
            throw new IllegalArgumentException("speaker id must be 1..128 characters, got '" + speakerId + "'");
        }
        String name = displayName == null || displayName.isBlank() ? speakerId : displayName;
        List<String> changed;
        Speaker s;
        synchronized (this) {
            s = speakers.get(speakerId);
            if (s != null) {
                s.displayName = name;
                return s.input();
            }
            if (speakers.size() >= cfg.maxSpeakers) {
                throw new RoomFullException("room " + room + " is full (" + cfg.maxSpeakers + " speakers)");
            }
            s = new Speaker(speakerId, name, joinCounter++, decoders, this::programNow,
                    cfg.jitter.toNanos() * 9 / 100_000, clock.tileShortcuts());
            speakers.put(speakerId, s);
            layoutDirty = true;
            changed = List.copyOf(speakers.keySet());
        }
        LOG.info("room {}: speaker {} ('{}') joined, {} in the room", room, speakerId, name, changed.size());
        cfg.listener.speakersChanged(room, changed);
        return s.input();
    }

    @Override
    public void leave(String speakerId) {
        Speaker s;
        List<String> changed;
        synchronized (this) {
            s = speakers.remove(speakerId);
            if (s == null) {
                return;
            }
            keepCounters(s);
            layoutDirty = true;
            changed = List.copyOf(speakers.keySet());
        }
        retire(s);
        LOG.info("room {}: speaker {} left, {} in the room", room, speakerId, changed.size());
        cfg.listener.speakersChanged(room, changed);
    }

    /** Frees a removed speaker after the program thread has stopped drawing it (next frame). */
    private void retire(Speaker s) {
        if (!clock.ticking()) {
            s.close();
            return;
        }
        synchronized (retired) {
            retired.add(s);
        }
    }

    private final List<Speaker> retired = new ArrayList<>();
    // guarded by this: counters of the speakers who left
    private long goneDecoded;
    private long goneDropped;
    private long goneHidden;
    private long goneAudio;
    private long goneShed;

    @Override
    public void layout(Layout layout) {
        this.layout = java.util.Objects.requireNonNull(layout, "layout");
        layoutDirty = true;
        LOG.info("room {}: layout {}", room, layout.spec());
    }

    @Override
    public Layout layout() {
        return layout;
    }

    @Override
    public synchronized List<String> speakers() {
        return List.copyOf(speakers.keySet());
    }

    @Override
    public Set<String> visibleSpeakers() {
        return visibleIds;
    }

    @Override
    public Optional<String> activeSpeaker() {
        return Optional.ofNullable(active);
    }

    @Override
    public Map<String, Double> levels() {
        return levels;
    }

    /** Under this: the counters of a speaker who leaves stay in the room's totals (metrics are counters). */
    private void keepCounters(Speaker s) {
        goneDecoded += s.video.decodedFrames();
        goneDropped += s.droppedVideo();
        goneHidden += s.video.hiddenDrops();
        goneAudio += s.droppedAudio();
        goneShed += s.video.shedFrames();
    }

    @Override
    public ProgramStats stats() {
        long decoded;
        long dropped;
        long hidden;
        long droppedAudio;
        long shed;
        int count;
        synchronized (this) {
            decoded = goneDecoded;
            dropped = goneDropped;
            hidden = goneHidden;
            droppedAudio = goneAudio;
            shed = goneShed;
            count = speakers.size();
            for (Speaker s : speakers.values()) {
                decoded += s.video.decodedFrames();
                dropped += s.droppedVideo();
                hidden += s.video.hiddenDrops();
                droppedAudio += s.droppedAudio();
                shed += s.video.shedFrames();
            }
        }
        LadderEncoder l = ladder;
        return new ProgramStats(frames, clock.lateFrames(), count, visible, decoded, dropped, hidden, droppedAudio, shed,
                l == null ? 0 : l.droppedFrames(), shedLevel);
    }

    // ---- program thread

    /** Produces program frame {@code n}: layout, composite, mix, encode. */
    void tick(long n) {
        long pts = n * MediaPacket.TIMESCALE / cfg.fps;
        freeRetired();
        List<Speaker> all;
        List<String> afterExpiry;
        synchronized (this) {
            afterExpiry = expireDisconnected(pts) ? List.copyOf(speakers.keySet()) : null;
            all = new ArrayList<>(speakers.values());
        }
        if (afterExpiry != null) {
            cfg.listener.speakersChanged(room, afterExpiry);
        }
        if (layoutDirty) {
            layoutDirty = false;
            relayout(all);
        }
        shedTileWork(all);
        Map<String, Speaker> byId = new LinkedHashMap<>();
        for (Speaker s : all) {
            byId.put(s.id, s);
        }
        // drawn straight into the ladder's next canvas slot (no copy of the frame); when the ladder is
        // that far behind there is no slot, and the frame is neither drawn nor encoded
        Picture slot = ladder.acquire();
        Picture canvas = slot == null ? null : compositor.compose(slot, placements, id -> {
            Speaker s = byId.get(id);
            return s == null ? null : s.video;
        }, id -> {
            Speaker s = byId.get(id);
            return s == null ? id : s.displayName;
        }, pts);

        long s0 = n * AUDIO_RATE / cfg.fps;
        int count = (int) ((n + 1) * AUDIO_RATE / cfg.fps - s0);
        if (mixBuffer.length < count * 2) {
            mixBuffer = new float[count * 2];
        }
        List<SpeakerAudio> audios = new ArrayList<>(all.size());
        for (Speaker s : all) {
            audios.add(s.audio);
        }
        mixer.mix(audios, s0, count, mixBuffer);
        for (MediaPacket p : aac.encode(mixBuffer, 0, count, s0)) {
            if (p.pts() >= 0) { // the encoder's priming frame sits before the program's start
                cfg.output.audio().onPacket(p);
            }
        }
        levels = Map.copyOf(mixer.levelsDbfs());
        Optional<String> now = detector.update(levels, pts);
        if (now.isPresent() && !now.get().equals(active)) {
            active = now.get();
            recent.remove(active);
            recent.add(0, active);
            if (recent.size() > RECENT) {
                recent.remove(recent.size() - 1);
            }
            if (layout instanceof Layout.ActiveSpeaker || layout instanceof Layout.Presentation) {
                relayout(all);
            }
            LOG.debug("room {}: active speaker {}", room, active);
            cfg.listener.activeSpeakerChanged(room, active);
        }
        boolean idr = n % gopFrames == 0;
        if (canvas == null) {
            ladder.drop(idr);
            return;
        }
        var tap = clock.canvasTap();
        if (tap != null) {
            tap.accept(canvas);
        }
        ladder.submit(pts, idr);
    }

    /**
     * Overload: sheds tile work (decode and scale of speakers' video) before the ladder has to drop
     * whole program frames; see {@link OverloadGovernor}. Audio is never shed.
     */
    private void shedTileWork(List<Speaker> all) {
        int backlog = clock.backlog(ladder.backlog());
        long lateNanos = clock.lateNanos();
        int before = shedLevel;
        int level = governor.update(backlog, lateNanos, 1_000_000_000L / cfg.fps);
        if (level != before) {
            shedLevel = level;
            if (level > before) {
                LOG.warn("room {}: overloaded (ladder {} frames behind, frame {} ms late): tiles shed video, level {}", room,
                        backlog, lateNanos / 1_000_000, level);
            } else {
                LOG.info("room {}: load eased, tiles shed video at level {}", room, level);
            }
        }
        for (Speaker s : all) {
            s.video.shed(level); // every frame: speakers who joined since get it too
        }
    }

    private void relayout(List<Speaker> all) {
        List<String> ids = new ArrayList<>(all.size());
        for (Speaker s : all) {
            ids.add(s.id);
        }
        recent.retainAll(ids);
        Layout current = layout;
        placements = LayoutEngine.place(current, ids, active, List.copyOf(recent), cfg.width, cfg.height);
        Set<String> shown = new HashSet<>();
        for (TilePlacement t : placements) {
            shown.add(t.speakerId());
        }
        for (Speaker s : all) {
            if (!shown.contains(s.id)) {
                s.video.target(0, 0);
            }
        }
        for (TilePlacement t : placements) {
            for (Speaker s : all) {
                if (s.id.equals(t.speakerId())) {
                    s.video.target(t.rect().width(), t.rect().height());
                }
            }
        }
        visible = placements.size();
        Set<String> now = Set.copyOf(shown);
        boolean changed = !now.equals(visibleIds) || !current.equals(laidOut);
        visibleIds = now;
        laidOut = current;
        if (changed) {
            cfg.listener.tilesChanged(room, now);
        }
    }

    /** Under this: speakers gone longer than the rejoin grace leave; whether anyone did. */
    private boolean expireDisconnected(long pts) {
        long grace = cfg.rejoinGrace.toNanos() * 9 / 100_000;
        boolean any = false;
        var it = speakers.values().iterator();
        while (it.hasNext()) {
            Speaker s = it.next();
            if (!s.connected && programNow() - s.disconnectedAt > grace) {
                it.remove();
                keepCounters(s);
                layoutDirty = true;
                any = true;
                synchronized (retired) {
                    retired.add(s);
                }
                LOG.info("room {}: speaker {} did not come back within {} s and left", room, s.id, cfg.rejoinGrace.toSeconds());
            }
        }
        return any;
    }

    private void freeRetired() {
        List<Speaker> done;
        synchronized (retired) {
            if (retired.isEmpty()) {
                return;
            }
            done = new ArrayList<>(retired);
            retired.clear();
        }
        // they are no longer in the speaker map, and the placements of the frame before were the last use
        layoutDirty = true;
        for (Speaker s : done) {
            s.close();
        }
    }

    /** Frees what {@link #openPipeline} opened before {@code failure}; failures here are added to it. */
    private void closePipeline(Throwable failure) {
        LadderEncoder l = ladder;
        AacEncoder a = aac;
        Compositor c = compositor;
        ladder = null;
        aac = null;
        compositor = null;
        for (AutoCloseable step : new AutoCloseable[] {l, a, c}) {
            if (step != null) {
                Throwable t = attempt(null, step::close);
                if (t != null) {
                    failure.addSuppressed(t);
                }
            }
        }
    }

    /**
     * Ends the program, once: flushes and closes every encoder, ends every output and frees the
     * compositor, each step even when one before it failed (a sink that throws, say).
     *
     * @return the first failure, the later ones added to it as suppressed; null when all went well
     */
    @Override
    public Throwable finish() {
        if (finished) {
            return null;
        }
        finished = true;
        Throwable failure = null;
        LadderEncoder l = ladder;
        AacEncoder a = aac;
        if (l != null) {
            failure = attempt(failure, l::close); // flushes every rung's encoder, frees them all
        }
        if (a != null) {
            failure = attempt(failure, () -> {
                for (MediaPacket p : a.flush()) {
                    cfg.output.audio().onPacket(p);
                }
            });
            failure = attempt(failure, a::close);
        }
        for (int i = 0; i < cfg.ladder.size(); i++) {
            int rung = i;
            failure = attempt(failure, () -> cfg.output.video(rung).onEnd());
        }
        failure = attempt(failure, () -> cfg.output.audio().onEnd());
        Compositor c = compositor;
        if (c != null) {
            failure = attempt(failure, c::close);
        }
        return failure;
    }

    /** Runs {@code step}; a failure becomes the first one, or is added to {@code first} as suppressed. */
    private static Throwable attempt(Throwable first, Step step) {
        try {
            step.run();
            return first;
        } catch (Exception | Error e) {
            if (first == null) {
                return e;
            }
            first.addSuppressed(e);
            return first;
        }
    }

    /** One step of opening or ending the pipeline. */
    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    @Override
    public void close() {
        clock.stop();
        List<Speaker> all;
        synchronized (this) {
            all = new ArrayList<>(speakers.values());
            speakers.clear();
        }
        synchronized (retired) {
            all.addAll(retired);
            retired.clear();
        }
        for (Speaker s : all) {
            s.close();
        }
        if (ownDecoders) {
            decoders.shutdownNow();
            try {
                decoders.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
