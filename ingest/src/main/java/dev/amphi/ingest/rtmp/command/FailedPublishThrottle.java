package dev.amphi.ingest.rtmp.command;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts failed publish attempts (wrong stream keys) per remote address. An address that failed
 * {@code maxFailures} times within {@code window} of its first failure is refused without asking
 * the authorizer until that window is over; then it starts afresh. Guessing keys is slow that way,
 * and a guesser costs no registry look-ups and no log line per attempt.
 *
 * <p>Memory is bounded: windows that are over are dropped at most once per window, and at most
 * {@link #MAX_ADDRESSES} addresses are counted at once (beyond that, new addresses are not
 * counted until old windows end). Thread-safe: every event loop of a server shares one.
 */
public final class FailedPublishThrottle {

    private static final Logger LOG = LoggerFactory.getLogger(FailedPublishThrottle.class);
    /** Most addresses counted at once. */
    static final int MAX_ADDRESSES = 65_536;

    private final int maxFailures;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<InetAddress, Window> failures = new ConcurrentHashMap<>();
    private final AtomicLong nextPurge;

    /** Failures of one address since {@code start}. */
    private record Window(long start, int count) {
    }

    /**
     * @param maxFailures failed attempts within {@code window} after which an address is refused; 0 turns the
     *                    throttle off
     * @param window      how long failures count and an address stays refused, positive
     * @param nanoTime    the clock ({@code System::nanoTime}; tests pass their own)
     */
    public FailedPublishThrottle(int maxFailures, Duration window, LongSupplier nanoTime) {
        if (maxFailures < 0) {
            throw new IllegalArgumentException("maxFailures must be 0 (off) or more, was " + maxFailures);
        }
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("failed-publish window must be positive, was " + window);
        }
        this.maxFailures = maxFailures;
        this.windowNanos = window.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.nextPurge = new AtomicLong(nanoTime.getAsLong() + windowNanos);
    }

    /** A throttle that never refuses. */
    public static FailedPublishThrottle off() {
        return new FailedPublishThrottle(0, Duration.ofMinutes(1), System::nanoTime);
    }

    /** 0 when {@code address} may try to publish now; otherwise how long it must wait, in nanoseconds. */
    public long retryAfterNanos(InetAddress address) {
        if (maxFailures == 0 || address == null) {
            return 0;
        }
        Window w = failures.get(address);
        if (w == null || w.count < maxFailures) {
            return 0;
        }
        long left = w.start + windowNanos - nanoTime.getAsLong();
        return Math.max(0, left);
    }

    /** Addresses counted now. */
    int tracked() {
        return failures.size();
    }

    /** Counts a failed attempt of {@code address}. */
    public void failed(InetAddress address) {
        if (maxFailures == 0 || address == null) {
            return;
        }
        long now = nanoTime.getAsLong();
        long due = nextPurge.get();
        if (now - due >= 0 && nextPurge.compareAndSet(due, now + windowNanos)) {
            failures.values().removeIf(w -> now - w.start >= windowNanos);
        }
        if (failures.size() >= MAX_ADDRESSES && !failures.containsKey(address)) {
            return;
        }
        Window w = failures.compute(address, (a, old) -> old == null || now - old.start >= windowNanos
                ? new Window(now, 1) : new Window(old.start, old.count + 1));
        if (w.count == maxFailures) {
            LOG.warn("RTMP {}: {} failed publish attempts within {} s; its attempts are refused for the rest of that time",
                    address.getHostAddress(), maxFailures, Duration.ofNanos(windowNanos).toSeconds());
        }
    }
}
