package dev.amphi.server;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * A log of one kind of event that a client can cause as often as it likes: the first event of a
 * quiet period is logged as it is, the others are counted and summed up in one line per interval
 * ("12 more ... in the last 10 s") until an interval passes without any. So a flood costs a line
 * every interval, never a line (or a stack trace) per event. Thread-safe; the summaries are logged
 * from a Vert.x timer.
 */
final class RateLimitedLog {

    private final Logger log;
    private final Level level;
    private final Vertx vertx;
    private final long intervalMs;
    private final String interval;
    private final String kind;
    private final AtomicBoolean armed = new AtomicBoolean();
    private final AtomicLong unreported = new AtomicLong();

    /**
     * @param kind what the events are, for the summary line, e.g. "requests aborted by their client"
     */
    RateLimitedLog(Logger log, Level level, Vertx vertx, Duration interval, String kind) {
        this.log = log;
        this.level = level;
        this.vertx = vertx;
        this.intervalMs = Math.max(1, interval.toMillis());
        this.interval = intervalMs % 1000 == 0 ? intervalMs / 1000 + " s" : intervalMs + " ms";
        this.kind = kind;
    }

    /** Logs {@code message} (with {@code cause}'s stack trace when not null) or counts it for the next summary. */
    void log(String message, Throwable cause) {
        if (armed.compareAndSet(false, true)) {
            if (cause == null) {
                log.atLevel(level).log(message);
            } else {
                log.atLevel(level).setCause(cause).log(message);
            }
            vertx.setTimer(intervalMs, id -> summarize());
        } else {
            unreported.incrementAndGet();
        }
    }

    private void summarize() {
        long n = unreported.getAndSet(0);
        if (n > 0) {
            log.atLevel(level).log("{} more {} in the last {}", n, kind, interval);
            vertx.setTimer(intervalMs, id -> summarize());
            return;
        }
        armed.set(false);
        if (unreported.get() > 0 && armed.compareAndSet(false, true)) { // one came in between: sum it up next time
            vertx.setTimer(intervalMs, id -> summarize());
        }
    }
}
