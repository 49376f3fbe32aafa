package dev.amphi.ingest.webrtc.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * What goes out through one of the port's sockets. A datagram written from any thread (the program's
 * fan-out sends each frame to hundreds of peers, the timer sends their RTCP) is queued, and one task
 * of the socket's event loop writes everything queued by then and flushes once: Netty's epoll
 * transport hands a flush of several datagrams to the kernel with one {@code sendmmsg}, so the
 * port makes a few system calls per frame instead of one per peer and packet. Datagrams keep the
 * order they were added in. At most {@link #LIMIT} wait; more (a stalled loop) are dropped and
 * counted rather than held without bound.
 */
final class Outbox implements Runnable {

    static final int LIMIT = 65_536;

    private final Channel channel;
    private final Queue<DatagramPacket> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final LongAdder dropped;
    private final ChannelFutureListener segmentedSent;

    /** @param segmentedFailed told when a segmented (UDP GSO) send fails */
    Outbox(Channel channel, LongAdder dropped, Consumer<Throwable> segmentedFailed) {
        this.channel = channel;
        this.dropped = dropped;
        this.segmentedSent = f -> {
            if (!f.isSuccess()) {
                segmentedFailed.accept(f.cause());
            }
        };
    }

    /** Queues one datagram; any thread. */
    void add(DatagramPacket datagram) {
        if (queued.incrementAndGet() > LIMIT) {
            queued.decrementAndGet();
            dropped.increment();
            datagram.release();
            return;
        }
        queue.offer(datagram);
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            try {
                channel.eventLoop().execute(this);
            } catch (RejectedExecutionException e) {
                discard(); // the transport is closing: nothing more goes out
            }
        }
    }

    /** The drain task, on the socket's event loop. */
    @Override
    public void run() {
        scheduled.set(false); // what is added from now on schedules the next drain (or is taken by this one)
        int n = 0;
        DatagramPacket d;
        while ((d = queue.poll()) != null) {
            queued.decrementAndGet();
            if (d instanceof SegmentedDatagramPacket) {
                channel.write(d).addListener(segmentedSent);
            } else {
                channel.write(d, channel.voidPromise());
            }
            n++;
        }
        if (n > 0) {
            channel.flush();
        }
    }

    private void discard() {
        DatagramPacket d;
        while ((d = queue.poll()) != null) {
            queued.decrementAndGet();
            d.release();
        }
    }
}
