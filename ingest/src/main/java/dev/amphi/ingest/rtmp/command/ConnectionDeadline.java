package dev.amphi.ingest.rtmp.command;

import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection's current deadline, on its event loop: {@link #set} names a due time and what
 * missing it means, {@link #extend} moves it later cheaply (one field write per media message; the
 * timer catches up when it fires). When the due time passes, a {@link DeadlineExpired} event goes
 * down the pipeline once.
 */
final class ConnectionDeadline {

    private final ChannelHandlerContext ctx;
    private long due;
    private String reason;
    private ScheduledFuture<?> timer;
    private long timerDue;
    private boolean done;

    ConnectionDeadline(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** The connection must have done something by {@code dueNanos} ({@link System#nanoTime}); else {@code reason}. */
    void set(long dueNanos, String reason) {
        if (done) {
            return;
        }
        this.due = dueNanos;
        this.reason = reason;
        if (timer != null && dueNanos - timerDue < 0) {
            timer.cancel(false);
            timer = null;
        }
        if (timer == null) {
            schedule();
        }
    }

    /** Moves the current deadline to {@code dueNanos} (later), keeping its reason. */
    void extend(long dueNanos) {
        due = dueNanos;
    }

    void cancel() {
        done = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void schedule() {
        timerDue = due;
        timer = ctx.executor().schedule(this::check, Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void check() {
        timer = null;
        if (done || !ctx.channel().isActive()) {
            return;
        }
        if (System.nanoTime() - due >= 0) {
            done = true;
            ctx.fireUserEventTriggered(new DeadlineExpired(reason));
        } else {
            schedule();
        }
    }
}
