package dev.amphi.core.comments;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Every room's live comment state: its {@link CommentWindows}, its settings, muted viewers, comments
 * held for approval and recent removals, with the durable part kept in a {@link CommentLog}.
 *
 * <p>Windows are numbered from the Unix epoch: window {@code k} of every room covers program times
 * {@code [k·length, (k+1)·length)}. A room's state is made the first time it is used; from then on
 * its windows are published one after the other (empty ones too) by {@link #publishDue()}.
 *
 * <p>Threads: the methods that touch the log ({@link #accept}, {@link #delete}, {@link #approve},
 * {@link #mute}, {@link #persist}) block and run on workers; the rest is memory only and
 * non-blocking, safe on event loops. Listeners are called on the thread that made the change.
 */
public final class CommentHub implements CommentRooms {

    /** What hosts are told as it happens (the room's event stream). */
    public interface Listener {
        /** A comment was accepted ({@code held}: it waits for approval) or approved. */
        void accepted(String room, CommentWindows.Accepted comment, boolean held);

        /** A moderator deleted a comment. */
        void removed(String room, long id);

        /** A moderator changed the room's settings. */
        void settingsChanged(String room, CommentSettings settings);
    }

    /** A window of a room, just published. */
    public record Published(String room, CommentWindows.Window window) {
    }

    /** A removal still listed to viewers. */
    private record Removal(long id, long atMillis) {
    }

    private static final int MAX_REMOVALS = 1000;

    private final CommentLog log;
    private final Function<String, CommentSettings> initialSettings;
    private final Function<String, BlockedWords> blockedWords;
    private final Duration length;
    private final Duration hold;
    private final Duration removalsKept;
    private final Clock clock;
    private final Map<String, RoomState> rooms = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> mutedAtStart;
    private final Map<String, List<CommentWindows.Accepted>> heldAtStart;
    private final Map<String, CommentSettings> settingsAtStart;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /**
     * Reads the muted viewers and held comments from {@code log} (blocking: call at start-up).
     *
     * @param length       each window's span (the segment duration)
     * @param hold         how long after its end a window is published
     * @param removalsKept how long a removal stays listed to viewers
     */
    public CommentHub(CommentLog log, Function<String, CommentSettings> initialSettings, Function<String, BlockedWords> blockedWords,
                      Duration length, Duration hold, Duration removalsKept, Clock clock) throws Exception {
        this.log = Objects.requireNonNull(log, "log");
        this.initialSettings = Objects.requireNonNull(initialSettings, "initialSettings");
        this.blockedWords = Objects.requireNonNull(blockedWords, "blockedWords");
        this.length = Objects.requireNonNull(length, "length");
        this.hold = Objects.requireNonNull(hold, "hold");
        this.removalsKept = Objects.requireNonNull(removalsKept, "removalsKept");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.mutedAtStart = log.muted();
        this.heldAtStart = log.held();
        this.settingsAtStart = log.settings();
    }

    /** Adds a listener for hosts' events. */
    public void listen(Listener l) {
        listeners.add(Objects.requireNonNull(l, "listener"));
    }

    /** Each window's span in milliseconds. */
    public long windowMillis() {
        return length.toMillis();
    }

    private RoomState state(String room) {
        return rooms.computeIfAbsent(room, RoomState::new);
    }

    /** Starts publishing {@code room}'s windows now, if it has not started yet. */
    public void open(String room) {
        state(room);
    }

    @Override
    public CommentSettings settings(String room) {
        return state(room).settings;
    }

    /** Changes {@code room}'s settings, kept in the log (they win over the flags' from then on). Blocking. */
    public void settings(String room, CommentSettings settings) throws Exception {
        Objects.requireNonNull(settings, "settings");
        log.settings(room, settings);
        state(room).settings = settings;
        listeners.forEach(l -> l.settingsChanged(room, settings));
    }

    @Override
    public BlockedWords blocked(String room) {
        return state(room).blocked;
    }

    @Override
    public boolean muted(String room, String viewer) {
        return state(room).muted.contains(viewer);
    }

    @Override
    public long accept(String room, CommentWindows.Accepted comment) throws Exception {
        RoomState r = state(room);
        boolean held = r.settings.hold();
        log.insert(room, comment, held);
        long window = -1;
        if (held) {
            r.held.put(comment.id(), comment);
        } else {
            window = r.windows.add(comment, clock.millis());
        }
        listeners.forEach(l -> l.accepted(room, comment, held));
        return window;
    }

    @Override
    public void react(String room, String reaction, long at) {
        state(room).windows.react(reaction, at, clock.millis());
    }

    /**
     * Deletes a comment: marked deleted in the log, taken out of its window if that is not published
     * yet (then no viewer ever sees it), otherwise listed as removed. Blocking.
     *
     * @return whether there was such a comment
     */
    public boolean delete(String room, long id) throws Exception {
        RoomState r = state(room);
        boolean stored = log.delete(room, id);
        boolean inMemory = r.held.remove(id) != null;
        inMemory |= r.windows.remove(id);
        if (!stored && !inMemory) {
            return false;
        }
        synchronized (r.removals) {
            r.removals.addLast(new Removal(id, clock.millis()));
            while (r.removals.size() > MAX_REMOVALS) {
                r.removals.removeFirst();
            }
        }
        listeners.forEach(l -> l.removed(room, id));
        return true;
    }

    /** Releases a held comment to viewers (into the window its time or its approval falls in). Blocking. */
    public boolean approve(String room, long id) throws Exception {
        RoomState r = state(room);
        CommentWindows.Accepted c = r.held.get(id);
        if (c == null || !log.approve(room, id) || r.held.remove(id) == null) {
            return false;
        }
        r.windows.add(c, clock.millis());
        listeners.forEach(l -> l.accepted(room, c, false));
        return true;
    }

    /** The comments of {@code room} waiting for approval, in program-time order. */
    public List<CommentWindows.Accepted> held(String room) {
        List<CommentWindows.Accepted> out = new ArrayList<>(state(room).held.values());
        out.sort(java.util.Comparator.comparingLong(CommentWindows.Accepted::at).thenComparingLong(CommentWindows.Accepted::id));
        return out;
    }

    /** Mutes or unmutes a viewer of {@code room}: a muted viewer's posts are refused. Blocking. */
    public void mute(String room, String viewer, boolean muted) throws Exception {
        log.mute(room, viewer, muted);
        Set<String> set = state(room).muted;
        if (muted) {
            set.add(viewer);
        } else {
            set.remove(viewer);
        }
    }

    /** The ids of comments of {@code room} deleted recently (within the removals' keep time), oldest first. */
    public List<Long> removed(String room) {
        RoomState r = state(room);
        long since = clock.millis() - removalsKept.toMillis();
        synchronized (r.removals) {
            while (!r.removals.isEmpty() && r.removals.peekFirst().atMillis() < since) {
                r.removals.removeFirst();
            }
            return r.removals.stream().map(Removal::id).toList();
        }
    }

    /** The windows of every room that are due now, each once, in order per room. Memory only. */
    public List<Published> publishDue() {
        long now = clock.millis();
        List<Published> out = new ArrayList<>();
        for (RoomState r : rooms.values()) {
            for (CommentWindows.Window w : r.windows.publishDue(now)) {
                out.add(new Published(r.room, w));
            }
        }
        return out;
    }

    /** Keeps the reaction counts of published windows in the log. Blocking. */
    public void persist(List<Published> published) throws Exception {
        for (Published p : published) {
            if (!p.window().reactions().isEmpty()) {
                log.reactions(p.room(), p.window().reactions());
            }
        }
    }

    private final class RoomState {
        final String room;
        final CommentWindows windows;
        final BlockedWords blocked;
        final Set<String> muted = ConcurrentHashMap.newKeySet();
        final Map<Long, CommentWindows.Accepted> held = new ConcurrentHashMap<>();
        final Deque<Removal> removals = new ArrayDeque<>();
        volatile CommentSettings settings;

        RoomState(String room) {
            this.room = room;
            this.windows = new CommentWindows(0, length, hold, clock.millis());
            this.blocked = blockedWords.apply(room);
            CommentSettings kept = settingsAtStart.get(room);
            this.settings = kept != null ? kept : initialSettings.apply(room);
            muted.addAll(mutedAtStart.getOrDefault(room, Set.of()));
            heldAtStart.getOrDefault(room, List.of()).forEach(c -> held.put(c.id(), c));
        }
    }
}
