package dev.amphi.ingest.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fewer, larger reads for busy connections on the epoll transport.
 *
 * <p>A publisher writes its stream in many small pieces (FFmpeg sends each RTMP chunk on its own,
 * ~130 writes per second for a 2 Mbit/s stream), and by default every piece wakes the event loop
 * for one small read. Waking a thread is the largest part of what a publishing connection costs.
 * This handler measures each connection's inbound rate over one-second windows and sets the
 * socket's {@code SO_RCVLOWAT} to about {@code batch} worth of it (at most
 * {@value #MAX_LOWAT} bytes), so that epoll reports the socket readable once per batch. Data is
 * then held in the kernel for about {@code batch} at most; nothing is lost and reads return
 * whatever is there.
 *
 * <p>A connection whose rate drops, or that pauses, could leave its last bytes waiting below the
 * mark. So each event loop keeps one timer for its batched connections, due when the least
 * recently read of them has gone {@code 2 x batch} without a read: that connection gets its mark
 * lowered to one byte (the kernel then reports pending bytes at once), and its next read puts the
 * mark back (a publisher's frames come unevenly, so such gaps are normal; a real change of rate
 * shows in the next window). A message thus waits at most about {@code 4 x batch}, and the
 * handshake and commands (small, in the first second) are not held at all. Reads move the timer
 * on before it fires, so a loop whose connections keep sending is not woken by it at all (a
 * timer every {@code 2 x batch} was a third of a lone publisher's wake-ups), and a loop with no
 * raised mark has no timer.
 *
 * <p>Only on Linux epoll channels on architectures with the generic socket option numbers; anywhere
 * else, or when the option cannot be set, the handler does nothing. Runs on the channel's event loop.
 */
final class ReadBatcher extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ReadBatcher.class);
    /** Largest mark set: well under Linux's default receive buffer of 128 KiB. */
    static final int MAX_LOWAT = 64 * 1024;
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** SOL_SOCKET / SO_RCVLOWAT in asm-generic/socket.h (x86, ARM, RISC-V; not PowerPC, MIPS, SPARC). */
    private static final ChannelOption<Integer> SO_RCVLOWAT = new IntegerUnixChannelOption("SO_RCVLOWAT", 1, 18);
    private static final boolean GENERIC_SOCKOPTS = switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
        case "amd64", "x86_64", "aarch64", "riscv64" -> true;
        default -> false;
    };
    /** Shortest wait of the sweep timer: a deadline already past is checked a millisecond on. */
    private static final long MIN_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final FastThreadLocal<Sweep> SWEEPS = new FastThreadLocal<>();

    private final long batchNanos;
    private ChannelHandlerContext ctx;
    private boolean enabled;
    private int lowat = 1;
    /** The mark the sweep lowered, put back by the next read; 0: none. */
    private int lowered;
    private long windowStart;
    private long windowBytes;
    private long lastRead;

    /** @param batchNanos how long data may wait in the kernel to be read in one go; 0 turns batching off */
    ReadBatcher(long batchNanos) {
        if (batchNanos < 0) {
            throw new IllegalArgumentException("read batch must not be negative, was " + batchNanos + " ns");
        }
        this.batchNanos = batchNanos;
    }

    /** Whether batching can work for channels of this kind on this machine. */
    static boolean supported(Class<?> channelClass) {
        return GENERIC_SOCKOPTS && EpollSocketChannel.class.isAssignableFrom(channelClass);
    }

    /**
     * The mark for a connection that received {@code bytes} in {@code nanos}: {@code batchNanos}
     * worth of that rate, between 1 and {@value #MAX_LOWAT} bytes.
     */
    static int markFor(long bytes, long nanos, long batchNanos) {
        if (nanos <= 0 || bytes <= 0 || batchNanos <= 0) {
            return 1;
        }
        double mark = (double) bytes * batchNanos / nanos;
        return (int) Math.max(1, Math.min(MAX_LOWAT, mark));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        enabled = batchNanos > 0 && supported(ctx.channel().getClass());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (enabled) {
            long now = System.nanoTime();
            windowStart = now;
            lastRead = now;
            sweep(ctx.channel().eventLoop()).add(this);
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (enabled) {
            enabled = false;
            Sweep s = SWEEPS.getIfExists();
            if (s != null) {
                s.remove(this);
            }
        }
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (enabled && msg instanceof ByteBuf b) {
            long now = System.nanoTime();
            lastRead = now;
            windowBytes += b.readableBytes();
            if (lowat > 1) {
                Sweep s = SWEEPS.getIfExists();
                if (s != null) {
                    s.read(now);
                }
            }
            if (lowered > 0) {
                int mark = lowered;
                lowered = 0;
                setMark(mark);
            }
            long elapsed = now - windowStart;
            if (elapsed >= WINDOW_NANOS) {
                int mark = markFor(windowBytes, elapsed, batchNanos);
                // Only move the mark for a real change: every change is a system call.
                if (mark < lowat * 3 / 4 || mark > lowat * 5 / 4) {
                    setMark(mark);
                }
                windowStart = now;
                windowBytes = 0;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** Called by the sweep: no read for two batches, so what waits may be below the mark. */
    private void stale(long now) {
        if (lowat > 1 && now - lastRead >= 2 * batchNanos) {
            int mark = lowat;
            setMark(1);
            lowered = mark;
        }
    }

    private void setMark(int mark) {
        try {
            if (ctx.channel().config().setOption(SO_RCVLOWAT, mark)) {
                lowat = mark;
                if (mark > 1) {
                    Sweep s = SWEEPS.getIfExists();
                    if (s != null) {
                        s.raised(System.nanoTime());
                    }
                }
            } else {
                disable("the transport does not take SO_RCVLOWAT");
            }
        } catch (RuntimeException e) {
            disable(e.toString());
        }
    }

    private void disable(String why) {
        LOG.debug("RTMP {}: read batching off: {}", ctx.channel().remoteAddress(), why);
        enabled = false;
        Sweep s = SWEEPS.getIfExists();
        if (s != null) {
            s.remove(this);
        }
    }

    private Sweep sweep(EventLoop loop) {
        Sweep s = SWEEPS.getIfExists();
        if (s == null) {
            s = new Sweep(loop, 2 * batchNanos);
            SWEEPS.set(s);
        }
        return s;
    }

    /**
     * One per event loop thread: a one-shot timer, armed while the loop has a connection with a
     * raised mark, due {@code period} after the oldest read among those connections.
     */
    private static final class Sweep {
        private final EventLoop loop;
        private final long periodNanos;
        private final List<ReadBatcher> members = new ArrayList<>();
        private ScheduledFuture<?> task;
        /** When {@link #task} fires (System.nanoTime()); meaningful while it is not null. */
        private long due;

        Sweep(EventLoop loop, long periodNanos) {
            this.loop = loop;
            this.periodNanos = periodNanos;
        }

        void add(ReadBatcher b) {
            members.add(b);
        }

        void remove(ReadBatcher b) {
            members.remove(b);
            if (members.isEmpty()) {
                cancel();
            }
        }

        /** A member's mark went up: make sure the timer runs. */
        void raised(long now) {
            if (task == null) {
                arm(now);
            }
        }

        /**
         * A raised member was read. When the timer would fire before the next read is likely
         * (within half a period), move it to the new oldest deadline instead of waking for nothing.
         */
        void read(long now) {
            if (task != null && due - now < periodNanos / 2) {
                long next = nextDeadline();
                if (next - due > periodNanos / 8) {
                    cancel();
                    schedule(next, now);
                }
            }
        }

        private void run() {
            task = null;
            long now = System.nanoTime();
            for (int i = members.size() - 1; i >= 0; i--) {
                members.get(i).stale(now);
            }
            arm(now);
        }

        private void arm(long now) {
            long next = nextDeadline();
            if (next != Long.MAX_VALUE) {
                schedule(next, now);
            }
        }

        /** The earliest {@code lastRead + period} among members with a raised mark, or Long.MAX_VALUE. */
        private long nextDeadline() {
            long next = 0;
            boolean any = false;
            for (int i = members.size() - 1; i >= 0; i--) {
                ReadBatcher b = members.get(i);
                long deadline = b.lastRead + periodNanos;
                if (b.lowat > 1 && (!any || deadline - next < 0)) {
                    next = deadline;
                    any = true;
                }
            }
            return any ? next : Long.MAX_VALUE;
        }

        private void schedule(long at, long now) {
            long delay = Math.max(at - now, MIN_DELAY_NANOS);
            due = now + delay;
            task = loop.schedule(this::run, delay, TimeUnit.NANOSECONDS);
        }

        private void cancel() {
            if (task != null) {
                task.cancel(false);
                task = null;
            }
        }
    }
}
