package dev.amphi.transcode;

import dev.amphi.media.MediaSink;
import dev.amphi.transcode.encode.EncoderSettings;
import dev.amphi.transcode.encode.LadderEncoder;
import dev.amphi.transcode.encode.PresetChooser;
import dev.amphi.transcode.interactive.InteractiveProgram;
import dev.amphi.transcode.interactive.InteractiveRendition;
import dev.amphi.transcode.layout.Layout;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The program of one room; see {@link RoomProgram}. It wires the parts, each with one job: the
 * {@link SpeakerRoster} (who is in the room), the {@link ProgramClock} (when frames are made), the
 * {@link ProgramPipeline} (the compositor, mixer and encoders, opened and ended as one) and the
 * {@link FrameTicker} (what one frame does). The clock's thread, or an offline driver, makes the
 * frames; everything else here may be called from any thread.
 */
final class DefaultRoomProgram implements RoomProgram, ProgramFrames {

    private final RoomProgramBuilder cfg;
    private final String room;
    private final ExecutorService decoders;
    private final boolean ownDecoders;
    private final EncoderSettings encoderSettings;
    private final ProgramClock clock;
    private final SpeakerRoster roster;
    private final FrameTicker ticker;
    private final InteractiveRendition interactive;

    /** {@link #start} succeeded; guarded by this. */
    private boolean started;
    private volatile ProgramPipeline pipeline;
    private volatile long frames;

    DefaultRoomProgram(RoomProgramBuilder cfg) {
        this.cfg = cfg;
        this.room = cfg.room;
        this.clock = cfg.clock != null ? cfg.clock : ProgramClock.realTime();
        long gopFrames = cfg.segmentDuration.toNanos() * cfg.fps / 1_000_000_000L;
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
        FrameTicker[] t = new FrameTicker[1]; // the roster tells the ticker of changes; they are made together
        this.roster = new SpeakerRoster(cfg, clock, decoders, () -> t[0].layoutChanged());
        this.ticker = new FrameTicker(cfg, clock, roster, gopFrames);
        t[0] = ticker;
        InteractiveRendition.VideoSettings high = null;
        if (cfg.interactiveHighWidth > 0) {
            high = new InteractiveRendition.VideoSettings(cfg.interactiveHighWidth, cfg.interactiveHighHeight,
                    cfg.interactiveHighBitrate, "veryfast", cfg.fps, (int) gopFrames);
        } else if (cfg.width >= 1280 && cfg.height >= 720) {
            high = new InteractiveRendition.VideoSettings(1280, 720, cfg.interactiveHighBitrate, "veryfast", cfg.fps,
                    (int) gopFrames);
        }
        this.interactive = new InteractiveRendition(room, cfg.width, cfg.height, new InteractiveRendition.VideoSettings(
                cfg.interactiveWidth, cfg.interactiveHeight, cfg.interactiveBitrate, "veryfast", cfg.fps, (int) gopFrames),
                high);
        ticker.interactive(interactive);
    }

    @Override
    public synchronized RoomProgram start() {
        if (started) {
            throw new IllegalStateException("program of room " + room + " already started");
        }
        ProgramPipeline p = ProgramPipeline.open(cfg, encoderSettings, clock.labels(), ticker.layout().spec());
        pipeline = p;
        ticker.pipeline(p);
        try {
            clock.start(this);
        } catch (RuntimeException | Error e) {
            pipeline = null;
            p.abandon(e);
            throw e;
        }
        started = true;
        return this;
    }

    // ---- what the clock drives

    @Override
    public String room() {
        return room;
    }

    @Override
    public int fps() {
        return cfg.fps;
    }

    @Override
    public void produce(long n) {
        ticker.tick(n);
        frames = n + 1;
    }

    @Override
    public boolean awaitLadderCapacity(long timeout, TimeUnit unit) throws InterruptedException {
        return pipeline.ladder.awaitCapacity(timeout, unit);
    }

    @Override
    public Throwable finish() {
        return pipeline.finish();
    }

    @Override
    public void layOutNow() {
        ticker.layOutNow();
    }

    @Override
    public MediaSink decoderOf(String speakerId) {
        return roster.decoderOf(speakerId);
    }

    // ---- the room, from any thread

    @Override
    public MediaSink join(String speakerId, String displayName) {
        return roster.join(speakerId, displayName);
    }

    @Override
    public MediaSink join(String speakerId, String displayName, SenderControl control) {
        return roster.join(speakerId, displayName, control);
    }

    @Override
    public void leave(String speakerId) {
        roster.leave(speakerId);
    }

    @Override
    public void layout(Layout layout) {
        ticker.layout(layout);
    }

    @Override
    public Layout layout() {
        return ticker.layout();
    }

    @Override
    public List<String> speakers() {
        return roster.ids();
    }

    @Override
    public Set<String> visibleSpeakers() {
        return ticker.visibleSpeakers();
    }

    @Override
    public Optional<String> activeSpeaker() {
        return ticker.activeSpeaker();
    }

    @Override
    public void mute(String speakerId, boolean muted) {
        ticker.mute(java.util.Objects.requireNonNull(speakerId, "speakerId"), muted);
    }

    @Override
    public Set<String> muted() {
        return ticker.muted();
    }

    @Override
    public Map<String, Double> levels() {
        return ticker.levels();
    }

    @Override
    public ProgramStats stats() {
        SpeakerRoster.Totals t = roster.totals();
        ProgramPipeline p = pipeline;
        LadderEncoder l = p == null ? null : p.ladder;
        return new ProgramStats(frames, clock.lateFrames(), t.speakers(), ticker.visible(), t.decoded(), t.droppedVideo(),
                t.hidden(), t.droppedAudio(), t.shed(), l == null ? 0 : l.droppedFrames(), ticker.shedLevel(),
                t.audioDecoded(), t.silentSkips(), t.errors(), interactive.stats());
    }

    @Override
    public InteractiveProgram interactive() {
        return interactive;
    }

    @Override
    public void close() {
        clock.stop();
        interactive.close();
        roster.closeAll();
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
