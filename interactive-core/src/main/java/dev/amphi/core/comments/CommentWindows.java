package dev.amphi.core.comments;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One room's accepted comments cut into time windows, the immutable objects viewers fetch.
 *
 * <p>Window {@code k} covers program times {@code [anchor + k·length, anchor + (k+1)·length)} (epoch
 * milliseconds of the playlists' {@code EXT-X-PROGRAM-DATE-TIME}; with the anchor at a segment
 * boundary and the length the segment duration, windows line up with the segments). A comment goes
 * to the window of its program time T while that window is not published yet; once it is (a comment
 * that arrives late), to the window open at its arrival, keeping its T, so a published window never
 * changes and nothing accepted is lost. Window {@code k} is published {@code hold} after its end
 * (time for the comments posted at its last instants to arrive), and every window is published, even
 * an empty one, in order and exactly once, so viewers can fetch predictable names. Reactions are
 * counted per second of program time into the same windows, by the same rule; a comment still
 * waiting in its window can be taken out (a moderator deleted it before anyone saw it).
 *
 * <p>Thread-safe (one lock; callers are request handlers and one publishing timer).
 */
public final class CommentWindows {

    /** An accepted comment: who, what, its program time {@code at} and when it arrived (epoch ms). */
    public record Accepted(long id, String viewer, String nickname, CommentDraft draft, long at, long received) {
        public Accepted {
            Objects.requireNonNull(viewer, "viewer");
            Objects.requireNonNull(nickname, "nickname");
            Objects.requireNonNull(draft, "draft");
        }
    }

    /** How many of each reaction were sent in one second of program time (epoch ms of the second's start). */
    public record ReactionSecond(long second, Map<String, Integer> counts) {
        public ReactionSecond {
            counts = Collections.unmodifiableMap(new TreeMap<>(counts));
        }
    }

    /**
     * A published window: its index, its program-time span, its comments in program-time order and
     * its reaction counts by second.
     */
    public record Window(long index, long from, long to, List<Accepted> comments, List<ReactionSecond> reactions) {
        public Window {
            comments = List.copyOf(comments);
            reactions = List.copyOf(reactions);
        }
    }

    /** What an unpublished window holds so far. */
    private static final class Pending {
        final List<Accepted> comments = new ArrayList<>();
        final TreeMap<Long, Map<String, Integer>> reactions = new TreeMap<>();
    }

    private static final Comparator<Accepted> BY_TIME = Comparator.comparingLong(Accepted::at).thenComparingLong(Accepted::id);

    private final long anchor;
    private final long length;
    private final long hold;
    private final TreeMap<Long, Pending> pending = new TreeMap<>();
    private long nextToPublish;

    /**
     * @param anchor     program time (epoch ms) where window 0 starts
     * @param length     each window's span, e.g. the segment duration
     * @param hold       how long after its end a window waits for late posts before it is published
     * @param nowMillis  now (epoch ms): the first window published is the one open now
     */
    public CommentWindows(long anchor, Duration length, Duration hold, long nowMillis) {
        if (length.toMillis() < 100) {
            throw new IllegalArgumentException("a comment window must last at least 100 ms, was " + length);
        }
        if (hold.isNegative()) {
            throw new IllegalArgumentException("hold must not be negative, was " + hold);
        }
        this.anchor = anchor;
        this.length = length.toMillis();
        this.hold = hold.toMillis();
        this.nextToPublish = index(nowMillis);
    }

    /** The window program time {@code t} falls in. */
    public long index(long t) {
        return Math.floorDiv(t - anchor, length);
    }

    /** Puts {@code c} into its window (see the class comment) and returns that window's index. */
    public synchronized long add(Accepted c, long nowMillis) {
        long k = place(c.at(), nowMillis);
        pending.computeIfAbsent(k, x -> new Pending()).comments.add(c);
        return k;
    }

    /**
     * Counts one {@code reaction} sent at program time {@code at} into the second it falls in, in
     * the window that takes a comment of that time (the same late rule); returns that window's index.
     */
    public synchronized long react(String reaction, long at, long nowMillis) {
        Objects.requireNonNull(reaction, "reaction");
        long k = place(at, nowMillis);
        long second = Math.floorDiv(at, 1000) * 1000;
        pending.computeIfAbsent(k, x -> new Pending()).reactions
                .computeIfAbsent(second, x -> new TreeMap<>()).merge(reaction, 1, Integer::sum);
        return k;
    }

    /** Takes comment {@code id} out of the window it waits in; false when no unpublished window holds it. */
    public synchronized boolean remove(long id) {
        for (Pending p : pending.values()) {
            if (p.comments.removeIf(c -> c.id() == id)) {
                return true;
            }
        }
        return false;
    }

    private long place(long at, long nowMillis) {
        long open = index(nowMillis);
        long k = Math.min(index(at), open); // a time in the future (the API clamps it) waits in the open window
        if (k < nextToPublish) {
            k = Math.max(open, nextToPublish); // late: its window is out, the open one takes it
        }
        return k;
    }

    /** The windows due by {@code nowMillis} (ended at least {@code hold} ago), each once, in order. */
    public synchronized List<Window> publishDue(long nowMillis) {
        List<Window> out = new ArrayList<>();
        while (anchor + (nextToPublish + 1) * length + hold <= nowMillis) {
            Pending p = pending.remove(nextToPublish);
            List<Accepted> sorted = p == null ? List.of() : p.comments.stream().sorted(BY_TIME).toList();
            List<ReactionSecond> reactions = p == null ? List.of()
                    : p.reactions.entrySet().stream().map(e -> new ReactionSecond(e.getKey(), e.getValue())).toList();
            long from = anchor + nextToPublish * length;
            out.add(new Window(nextToPublish, from, from + length, sorted, reactions));
            nextToPublish++;
        }
        return out;
    }

    /** Each window's span in milliseconds. */
    public long length() {
        return length;
    }

    /** The first window not published yet. */
    public synchronized long nextToPublish() {
        return nextToPublish;
    }
}
