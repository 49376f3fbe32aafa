package dev.amphi.ingest.rtmp.testing;

import dev.amphi.ingest.rtmp.RtmpListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;

/** An {@link RtmpListener} that records what it is told. */
public final class RecordingListener implements RtmpListener {
    public final AtomicInteger opened = new AtomicInteger();
    public final AtomicInteger closed = new AtomicInteger();
    public final AtomicLong bytes = new AtomicLong();
    /** Calls of {@link #bytesReceived}: one per read from the socket. */
    public final AtomicInteger reads = new AtomicInteger();
    public final List<String> errors = new CopyOnWriteArrayList<>();
    public final List<String> refused = new CopyOnWriteArrayList<>();
    public final List<String> started = new CopyOnWriteArrayList<>();
    public final List<String> stopped = new CopyOnWriteArrayList<>();
    public final List<Refusal> refusals = new CopyOnWriteArrayList<>();

    @Override public void connectionOpened() { opened.incrementAndGet(); }
    @Override public void connectionClosed() { closed.incrementAndGet(); }
    @Override public void protocolError(String reason) { errors.add(reason); }
    @Override public void connectionRefused(String reason) { refused.add(reason); }
    @Override public void bytesReceived(long n) { bytes.addAndGet(n); reads.incrementAndGet(); }
    @Override public void publishStarted(String s) { started.add(s); }
    @Override public void publishStopped(String s) { stopped.add(s); }
    @Override public void publishRefused(Refusal why) { refusals.add(why); }

    /** Waits until an error containing {@code text} was reported; returns it. */
    public String awaitError(String text, Duration timeout) throws InterruptedException {
        return Awaitility.await("a protocol error containing '" + text + "' (errors so far: " + errors + ")")
                .atMost(timeout).pollInterval(Duration.ofMillis(10))
                .until(() -> errors.stream().filter(e -> e.contains(text)).findFirst(), java.util.Optional::isPresent)
                .orElseThrow();
    }
}
