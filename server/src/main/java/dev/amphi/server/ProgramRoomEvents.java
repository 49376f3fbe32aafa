package dev.amphi.server;

import dev.amphi.core.room.LayoutChoice;
import dev.amphi.core.room.ProgramControl;
import dev.amphi.core.room.ProgramEvents;
import dev.amphi.core.room.ProgramState;
import dev.amphi.core.room.SpeakerView;
import dev.amphi.transcode.ProgramListener;
import dev.amphi.transcode.RoomProgram;
import dev.amphi.transcode.layout.Layout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the interactive core sees of one composited room: the layout the host chose (kept across
 * program restarts), the speakers' display names, and the program's events turned into the core's
 * {@link ProgramEvents}. It is the program's {@link ProgramListener}; callbacks come on the program
 * thread or on whatever thread joined a speaker, so nothing here takes {@link ProgramRoom}'s lock
 * (its {@code close} waits for the program thread) and listeners are only handed values.
 *
 * <p>A speaker is {@code visible} when the program's last frame gave it a tile
 * ({@link RoomProgram#visibleSpeakers()}); the program says when that changes
 * ({@link #tilesChanged}), and only then do listeners get a new speaker list for it.
 */
final class ProgramRoomEvents implements ProgramListener {

    private static final Logger LOG = LoggerFactory.getLogger(ProgramRoomEvents.class);

    private final String room;
    private final List<ProgramEvents> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, String> names = new ConcurrentHashMap<>();
    /** Speakers a host muted out of the mix: kept for the room's next programs too. */
    private final Set<String> muted = ConcurrentHashMap.newKeySet();
    private final Map<String, IngestMeter> meters = new ConcurrentHashMap<>();
    private volatile RoomProgram program;
    private volatile LayoutChoice layout;

    ProgramRoomEvents(String room, Layout initial) {
        this.room = room;
        this.layout = choiceOf(initial);
    }

    ProgramControl.Registration add(ProgramEvents events) {
        listeners.add(java.util.Objects.requireNonNull(events, "events"));
        return () -> listeners.remove(events);
    }

    /** Remembers a speaker's display name (before it joins, so its join event carries it). */
    void named(String speakerId, String displayName) {
        names.put(speakerId, displayName);
    }

    LayoutChoice layout() {
        return layout;
    }

    /** The byte meter of a speaker's publishers (one per speaker id, kept across its reconnections). */
    IngestMeter meter(String speakerId) {
        return meters.computeIfAbsent(speakerId, id -> new IngestMeter());
    }

    /** A host mutes a speaker out of the mix, or lets them back; listeners get the speaker list. */
    void mute(String speakerId, boolean mute) {
        if (mute) {
            muted.add(speakerId);
        } else {
            muted.remove(speakerId);
        }
        RoomProgram p = program;
        if (p != null) {
            p.mute(speakerId, mute);
        }
        LOG.info("room {}: speaker {} {} by a host", room, speakerId, mute ? "muted" : "unmuted");
        speakerList();
    }

    /** The program layout of the current choice. */
    Layout programLayout() {
        return layoutOf(layout);
    }

    /** The program started (under ProgramRoom's lock, before any speaker joined). */
    void started(RoomProgram p) {
        program = p;
        for (String id : muted) {
            p.mute(id, true);
        }
        Layout wanted = programLayout();
        if (!p.layout().equals(wanted)) { // a layout change raced with the start
            p.layout(wanted);
        }
        fire(l -> l.programChanged(state()));
    }

    /** The program stopped. */
    void stopped() {
        program = null;
        names.clear();
        fire(l -> l.programChanged(state()));
    }

    /**
     * The host's choice, already checked against the room's speakers; the running program (if any)
     * switches at its next frame, and then tells who has a tile ({@link #tilesChanged}).
     */
    void choose(LayoutChoice choice) {
        layout = choice;
        RoomProgram p = program;
        if (p != null) {
            p.layout(layoutOf(choice));
        }
        fire(l -> l.layoutChanged(choice));
    }

    /**
     * The id of the speaker a presentation names: an id of the running program's speakers, matched
     * exactly, then ignoring case, then by display name ignoring case.
     *
     * @throws IllegalArgumentException when no speaker matches
     */
    String resolveSource(String source) {
        RoomProgram p = program;
        List<String> ids = p == null ? List.of() : p.speakers();
        if (ids.contains(source)) {
            return source;
        }
        for (String id : ids) {
            if (id.equalsIgnoreCase(source)) {
                return id;
            }
        }
        for (String id : ids) {
            if (names.getOrDefault(id, id).equalsIgnoreCase(source)) {
                return id;
            }
        }
        if (p == null) {
            throw new IllegalArgumentException("room " + room + " has no speakers (its program is not running), so it has no source '"
                    + source + "' to present");
        }
        throw new IllegalArgumentException("room " + room + " has no speaker '" + source + "' to present; speakers: "
                + (ids.size() <= 20 ? String.join(", ", ids) : String.join(", ", ids.subList(0, 20)) + ", ..."));
    }

    /**
     * Called every few seconds (under ProgramRoom's lock, as {@link #named} is): forgets the display
     * names of speakers who left the program (the program reports their leaving itself).
     */
    void forgetDeparted() {
        RoomProgram p = program;
        if (p != null) {
            Set<String> here = new HashSet<>(p.speakers());
            names.keySet().retainAll(here);
            meters.keySet().retainAll(here);
        }
    }

    ProgramState state() {
        RoomProgram p = program;
        if (p == null) {
            return ProgramState.stopped(layout);
        }
        return new ProgramState(ProgramState.Mode.COMPOSITE, true, Optional.of(layout), p.activeSpeaker(), views(p));
    }

    private List<SpeakerView> views(RoomProgram p) {
        List<String> ids = p.speakers();
        Map<String, Double> levels = p.levels();
        Set<String> shown = p.visibleSpeakers();
        List<SpeakerView> views = new ArrayList<>(ids.size());
        long now = System.nanoTime();
        for (String id : ids) {
            Double level = levels.get(id);
            IngestMeter m = meters.get(id);
            views.add(new SpeakerView(id, names.getOrDefault(id, id), level == null ? SpeakerView.SILENCE_DBFS : level, shown.contains(id),
                    muted.contains(id), m == null ? 0 : m.kbps(now)));
        }
        return views;
    }

    // ---- ProgramListener: the program thread, or the thread that joined a speaker

    @Override
    public void activeSpeakerChanged(String programRoom, String speakerId) {
        fire(l -> l.activeSpeakerChanged(speakerId));
    }

    @Override
    public void speakersChanged(String programRoom, List<String> speakers) {
        speakerList();
    }

    @Override
    public void tilesChanged(String programRoom, Set<String> visible) {
        speakerList();
    }

    private void speakerList() {
        RoomProgram p = program;
        if (p != null && !listeners.isEmpty()) {
            List<SpeakerView> views = views(p);
            fire(l -> l.speakersChanged(views));
        }
    }

    /**
     * Bytes a speaker's publishers sent, and their rate: {@link #add} on the publishers' threads (a
     * {@code LongAdder}), {@link #kbps} computed over at least a second between two reads.
     */
    static final class IngestMeter {
        private final java.util.concurrent.atomic.LongAdder bytes = new java.util.concurrent.atomic.LongAdder();
        private long windowStart; // guarded by this
        private long windowBytes; // guarded by this
        private int kbps; // guarded by this

        void add(int n) {
            bytes.add(n);
        }

        synchronized int kbps(long nowNanos) {
            long b = bytes.sum();
            if (windowStart == 0) {
                windowStart = nowNanos;
                windowBytes = b;
            } else if (nowNanos - windowStart >= 1_000_000_000L) {
                kbps = (int) Math.min(Integer.MAX_VALUE, (b - windowBytes) * 8_000_000L / (nowNanos - windowStart));
                windowStart = nowNanos;
                windowBytes = b;
            }
            return kbps;
        }
    }

    private void fire(java.util.function.Consumer<ProgramEvents> event) {
        for (ProgramEvents l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("room {}: a program event listener failed: {}", room, e.toString());
            }
        }
    }

    /** The program's layout for a host's choice. */
    static Layout layoutOf(LayoutChoice c) {
        return switch (c.kind()) {
            case GALLERY -> new Layout.Gallery(c.page());
            case SPEAKER -> new Layout.ActiveSpeaker();
            case PRESENTATION -> new Layout.Presentation(c.source());
        };
    }

    /** The host's choice for a program layout (the configured one). */
    static LayoutChoice choiceOf(Layout l) {
        if (l instanceof Layout.Gallery g) {
            return LayoutChoice.gallery(g.page());
        }
        if (l instanceof Layout.Presentation p) {
            return LayoutChoice.presentation(p.presenterId());
        }
        return LayoutChoice.speaker();
    }

    @Override
    public String toString() {
        return "events of room " + room.toLowerCase(Locale.ROOT);
    }
}
