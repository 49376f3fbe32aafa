package dev.amphi.transcode;

import dev.amphi.media.LatencyTrace;
import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.audio.SpeakerAudio;
import dev.amphi.transcode.encode.LadderEncoder;
import dev.amphi.transcode.frame.Picture;
import dev.amphi.transcode.interactive.InteractiveRendition;
import dev.amphi.transcode.layout.Layout;
import dev.amphi.transcode.layout.LayoutEngine;
import dev.amphi.transcode.layout.TilePlacement;
import dev.amphi.transcode.video.Compositor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One program frame after another, on the program thread (or an offline driver's): lays the room
 * out when it changed, sheds tile work under overload, draws the tiles into the ladder's next canvas
 * slot, mixes and encodes the audio, follows the active speaker, and hands the canvas to the ladder.
 * What the outside reads of it (layout, visible speakers, active speaker, levels, shed level) is
 * published through volatile fields.
 */
final class FrameTicker {

    private static final Logger LOG = LoggerFactory.getLogger(FrameTicker.class);
    private static final int AUDIO_RATE = 48_000;
    /** Most recent speakers remembered for the speaker layout's filmstrip. */
    private static final int RECENT = 16;

    private final RoomProgramBuilder cfg;
    private final String room;
    private final ProgramClock clock;
    private final SpeakerRoster roster;
    private final long gopFrames;

    private volatile ProgramPipeline pipeline;
    private volatile InteractiveRendition interactive;
    private volatile Layout layout;
    private volatile boolean layoutDirty = true;
    private volatile String active;
    private volatile Map<String, Double> levels = Map.of();
    private volatile int visible;
    private volatile Set<String> visibleIds = Set.of();
    private volatile int shedLevel;
    private volatile Set<String> muted = Set.of();

    // program thread only
    private List<TilePlacement> placements = List.of();
    private final List<String> recent = new ArrayList<>();
    private float[] mixBuffer = new float[0];
    private Layout laidOut; // the layout of the last relayout
    private Set<String> mutedInMixer = Set.of();
    private final OverloadGovernor governor = new OverloadGovernor();

    FrameTicker(RoomProgramBuilder cfg, ProgramClock clock, SpeakerRoster roster, long gopFrames) {
        this.cfg = cfg;
        this.room = cfg.room;
        this.clock = clock;
        this.roster = roster;
        this.gopFrames = gopFrames;
        this.layout = cfg.layout;
    }

    /** The opened pipeline the frames are made with; before the first frame. */
    void pipeline(ProgramPipeline p) {
        this.pipeline = p;
    }

    /** The real-time rendition each frame's canvas and audio also go to (while it has subscribers). */
    void interactive(InteractiveRendition r) {
        this.interactive = r;
    }

    /** The next frame lays the room out again (a speaker came or went). */
    void layoutChanged() {
        layoutDirty = true;
    }

    void layout(Layout newLayout) {
        this.layout = Objects.requireNonNull(newLayout, "layout");
        layoutDirty = true;
        LOG.info("room {}: layout {}", room, newLayout.spec());
    }

    Layout layout() {
        return layout;
    }

    Set<String> visibleSpeakers() {
        return visibleIds;
    }

    int visible() {
        return visible;
    }

    Optional<String> activeSpeaker() {
        return Optional.ofNullable(active);
    }

    Map<String, Double> levels() {
        return levels;
    }

    /** Keeps {@code speakerId} out of the mix (and out of the active-speaker choice), or lets it back, from the next chunk. */
    synchronized void mute(String speakerId, boolean mute) {
        Set<String> now = new java.util.HashSet<>(muted);
        if (mute ? now.add(speakerId) : now.remove(speakerId)) {
            muted = Set.copyOf(now);
        }
    }

    Set<String> muted() {
        return muted;
    }

    int shedLevel() {
        return shedLevel;
    }

    private static Map<String, Double> withoutMuted(Map<String, Double> levels, Set<String> muted) {
        Map<String, Double> heard = new java.util.HashMap<>(levels);
        heard.keySet().removeAll(muted);
        return heard;
    }

    /** Lays out the speakers in the room now, before the first frame (an offline start). */
    void layOutNow() {
        layoutDirty = false;
        relayout(roster.all());
    }

    /** Produces program frame {@code n}: layout, composite, mix, encode. */
    void tick(long n) {
        ProgramPipeline pipe = pipeline;
        Compositor compositor = pipe.compositor;
        LadderEncoder ladder = pipe.ladder;
        long pts = n * MediaPacket.TIMESCALE / cfg.fps;
        roster.freeRetired();
        List<Speaker> all = roster.forFrame();
        if (layoutDirty) {
            layoutDirty = false;
            relayout(all);
        }
        shedTileWork(all, ladder);
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
        InteractiveRendition live = interactive;
        pipe.mixer.keepParts(live != null && live.wantsAudio()); // mix-minus needs each speaker's part
        Set<String> mutedNow = muted;
        if (mutedNow != mutedInMixer) {
            pipe.mixer.muted(mutedNow);
            mutedInMixer = mutedNow;
        }
        pipe.mixer.mix(audios, s0, count, mixBuffer);
        if (live != null) {
            live.audio(pipe.mixer, mixBuffer, s0, count);
        }
        for (MediaPacket p : pipe.aac.encode(mixBuffer, 0, count, s0)) {
            if (p.pts() >= 0) { // the encoder's priming frame sits before the program's start
                cfg.output.audio().onPacket(p);
            }
        }
        levels = Map.copyOf(pipe.mixer.levelsDbfs());
        Optional<String> now = pipe.detector.update(mutedNow.isEmpty() ? levels : withoutMuted(levels, mutedNow), pts);
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
        if (live != null) {
            if (LatencyTrace.ON) {
                LatencyTrace.record("compose", (clock.now() - pts) * 100_000 / 9);
            }
            live.video(canvas, pts);
        }
        ladder.submit(pts, idr);
    }

    /**
     * Overload: sheds tile work (decode and scale of speakers' video) before the ladder has to drop
     * whole program frames; see {@link OverloadGovernor}. Audio is never shed.
     */
    private void shedTileWork(List<Speaker> all, LadderEncoder ladder) {
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
}
