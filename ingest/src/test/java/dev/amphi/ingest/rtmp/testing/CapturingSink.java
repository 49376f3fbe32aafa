package dev.amphi.ingest.rtmp.testing;

import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Records every packet and end, in order; waits with timeouts instead of sleeping. */
public final class CapturingSink implements MediaSink {

    /** Marker in {@link #events()} for an {@code onEnd}. */
    public static final Object END = "END";

    private final List<Object> events = new ArrayList<>();

    @Override
    public synchronized void onPacket(MediaPacket packet) {
        events.add(packet);
        notifyAll();
    }

    @Override
    public synchronized void onEnd() {
        events.add(END);
        notifyAll();
    }

    public synchronized List<Object> events() {
        return new ArrayList<>(events);
    }

    public synchronized int ends() {
        return (int) events.stream().filter(e -> e == END).count();
    }

    /** Packets of the {@code session}-th publish session (0-based; sessions are separated by ends). */
    public synchronized List<MediaPacket> session(int session) {
        List<MediaPacket> out = new ArrayList<>();
        int s = 0;
        for (Object e : events) {
            if (e == END) {
                s++;
            } else if (s == session) {
                out.add((MediaPacket) e);
            }
        }
        return out;
    }

    public static List<MediaPacket> of(List<MediaPacket> packets, MediaKind kind) {
        return packets.stream().filter(p -> p.kind() == kind).toList();
    }

    /** Waits until {@code condition} holds on the events; fails after {@code timeout}. */
    public synchronized void await(Predicate<List<Object>> condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(events)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; events: " + summary());
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    public void awaitEnds(int n, Duration timeout) throws InterruptedException {
        await(ev -> ev.stream().filter(e -> e == END).count() >= n, timeout, n + " onEnd calls");
    }

    public synchronized String summary() {
        long v = events.stream().filter(e -> e instanceof MediaPacket p && p.kind() == MediaKind.VIDEO).count();
        long a = events.stream().filter(e -> e instanceof MediaPacket p && p.kind() == MediaKind.AUDIO).count();
        return v + " video, " + a + " audio, " + ends() + " ends";
    }
}
