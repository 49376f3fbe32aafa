package dev.amphi.core.comments;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
 * an empty one, in order and exactly once, so viewers can fetch predictable names.
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

    /** A published window: its index, its program-time span and its comments in program-time order. */
    public record Window(long index, long from, long to, List<Accepted> comments) {
        public Window {
            comments = List.copyOf(comments);
        }
    }

    private static final Comparator<Accepted> BY_TIME = Comparator.comparingLong(Accepted::at).thenComparingLong(Accepted::id);

    private final long anchor;
    private final long length;
    private final long hold;
    private final TreeMap<Long, List<Accepted>> pending = new TreeMap<>();
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
        long open = index(nowMillis);
        long k = Math.min(index(c.at()), open); // a time in the future (the API clamps it) waits in the open window
        if (k < nextToPublish) {
            k = Math.max(open, nextToPublish); // late: its window is out, the open one takes it
        }
        pending.computeIfAbsent(k, x -> new ArrayList<>()).add(c);
        return k;
    }

    /** The windows due by {@code nowMillis} (ended at least {@code hold} ago), each once, in order. */
    public synchronized List<Window> publishDue(long nowMillis) {
        List<Window> out = new ArrayList<>();
        while (anchor + (nextToPublish + 1) * length + hold <= nowMillis) {
            List<Accepted> cs = pending.remove(nextToPublish);
            List<Accepted> sorted = cs == null ? List.of() : cs.stream().sorted(BY_TIME).toList();
            long from = anchor + nextToPublish * length;
            out.add(new Window(nextToPublish, from, from + length, sorted));
            nextToPublish++;
        }
        return out;
    }

    /** The first window not published yet. */
    public synchronized long nextToPublish() {
        return nextToPublish;
    }
}
