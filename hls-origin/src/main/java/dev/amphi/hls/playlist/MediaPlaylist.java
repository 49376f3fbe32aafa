package dev.amphi.hls.playlist;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The sliding window of one rendition's media playlist (RFC 8216bis, version 7): keeps the last
 * {@code windowSize} segments, counts the media and discontinuity sequence numbers of what slid
 * out, keeps {@code EXT-X-TARGETDURATION} at the longest segment ever listed rounded to the nearest
 * second (RFC 8216 4.3.3.1 bounds the rounded EXTINF, so an audio segment of 2.005 s keeps a
 * 2 s target and players reload as often as the video needs; it never shrinks), and renders the
 * text.
 *
 * <p>Not thread-safe: owned by the stream's worker thread; the rendered text is immutable.
 */
public final class MediaPlaylist {

    private static final DateTimeFormatter PDT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /**
     * One listed segment.
     *
     * @param sequence        media sequence number
     * @param uri             relative URI of the segment
     * @param duration        duration in {@code timescale} units
     * @param timescale       ticks per second
     * @param discontinuity   whether {@code EXT-X-DISCONTINUITY} precedes it
     * @param programDateTime wall-clock time of its first sample
     * @param mapUri          relative URI of its init segment
     * @param bytes           its size
     */
    public record Entry(long sequence, String uri, long duration, int timescale, boolean discontinuity,
                        Instant programDateTime, String mapUri, int bytes) {
        public Entry {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(programDateTime, "programDateTime");
            Objects.requireNonNull(mapUri, "mapUri");
            if (timescale <= 0 || duration < 0) {
                throw new IllegalArgumentException("bad duration " + duration + "/" + timescale + " for " + uri);
            }
        }

        public double seconds() {
            return (double) duration / timescale;
        }
    }

    private final int windowSize;
    private final ArrayDeque<Entry> window = new ArrayDeque<>();
    /** Each listed entry's own lines (date-time, EXTINF, URI), rendered once when it is added. */
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private long nextSequence;
    private long discontinuitySequence;
    private int targetDuration = 1;
    private boolean ended;

    /** @param windowSize segments listed, at least 1 */
    public MediaPlaylist(int windowSize) {
        if (windowSize < 1) {
            throw new IllegalArgumentException("window size must be at least 1, was " + windowSize);
        }
        this.windowSize = windowSize;
    }

    /**
     * Appends a segment (re-opening an ended playlist) and returns the entries that slid out of
     * the window, oldest first.
     */
    public List<Entry> add(String uri, long duration, int timescale, boolean discontinuity, Instant programDateTime,
                           String mapUri, int bytes) {
        Entry e = new Entry(nextSequence++, uri, duration, timescale, discontinuity, programDateTime, mapUri, bytes);
        window.addLast(e);
        lines.addLast(lines(e));
        ended = false;
        targetDuration = (int) Math.max(targetDuration, (duration + timescale / 2) / timescale);
        List<Entry> removed = new ArrayList<>(1);
        while (window.size() > windowSize) {
            Entry old = window.removeFirst();
            lines.removeFirst();
            if (old.discontinuity()) {
                discontinuitySequence++;
            }
            removed.add(old);
        }
        return removed;
    }

    /**
     * Numbers the first segment {@code sequence} instead of 0, so that a rendition that starts
     * after the others of a ladder keeps its media sequence numbers in step with theirs. Only
     * while nothing is listed yet.
     */
    public void startAt(long sequence) {
        if (!window.isEmpty() || nextSequence != 0) {
            throw new IllegalStateException("the playlist has already listed segments up to " + (nextSequence - 1));
        }
        if (sequence < 0) {
            throw new IllegalArgumentException("media sequence must not be negative, was " + sequence);
        }
        nextSequence = sequence;
    }

    /** The media sequence number the next {@link #add} gets. */
    public long nextSequence() {
        return nextSequence;
    }

    /** Marks the playlist complete ({@code EXT-X-ENDLIST}) until the next {@link #add}. */
    public void end() {
        ended = true;
    }

    public boolean ended() {
        return ended;
    }

    public boolean isEmpty() {
        return window.isEmpty();
    }

    /** The listed entries, oldest first. */
    public List<Entry> entries() {
        return List.copyOf(window);
    }

    public int targetDuration() {
        return targetDuration;
    }

    /** The playlist text; call only when at least one segment is listed. */
    public String render() {
        if (window.isEmpty()) {
            throw new IllegalStateException("no segment to list yet");
        }
        StringBuilder sb = new StringBuilder(256 + window.size() * 128);
        sb.append("#EXTM3U\n");
        sb.append("#EXT-X-VERSION:7\n");
        sb.append("#EXT-X-TARGETDURATION:").append(targetDuration).append('\n');
        sb.append("#EXT-X-MEDIA-SEQUENCE:").append(window.peekFirst().sequence()).append('\n');
        sb.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(discontinuitySequence).append('\n');
        sb.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        String map = null;
        Iterator<String> text = lines.iterator();
        for (Entry e : window) {
            if (e.discontinuity()) {
                sb.append("#EXT-X-DISCONTINUITY\n");
            }
            if (!e.mapUri().equals(map)) {
                map = e.mapUri();
                sb.append("#EXT-X-MAP:URI=\"").append(map).append("\"\n");
            }
            sb.append(text.next());
        }
        if (ended) {
            sb.append("#EXT-X-ENDLIST\n");
        }
        return sb.toString();
    }

    private static String lines(Entry e) {
        StringBuilder sb = new StringBuilder(96 + e.uri().length());
        sb.append("#EXT-X-PROGRAM-DATE-TIME:").append(PDT.format(e.programDateTime())).append('\n');
        sb.append("#EXTINF:");
        appendMillis(sb, e.duration(), e.timescale());
        sb.append(",\n").append(e.uri()).append('\n');
        return sb.toString();
    }

    /** {@code duration / timescale} seconds with three decimals, rounded half up, without a formatter. */
    static void appendMillis(StringBuilder sb, long duration, int timescale) {
        long millis = (duration * 2000 + timescale) / (2L * timescale);
        long frac = millis % 1000;
        sb.append(millis / 1000).append('.');
        if (frac < 100) {
            sb.append('0');
        }
        if (frac < 10) {
            sb.append('0');
        }
        sb.append(frac);
    }
}
