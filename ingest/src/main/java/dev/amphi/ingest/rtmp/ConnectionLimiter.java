package dev.amphi.ingest.rtmp;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the server's open connections, in all and per remote address, and turns away one that
 * would go over a limit: it is closed before anything is read from it, so a flood of connections
 * costs a file descriptor for a moment, not a pipeline, buffers or a handshake. Refusals are logged
 * at most once per {@link #LOG_INTERVAL_NANOS}, with the count since the last line, so a flood
 * cannot flood the log. Thread-safe: accepted channels are initialised on every event loop.
 */
final class ConnectionLimiter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimiter.class);
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final int maxConnections;
    private final int maxPerAddress;
    private final RtmpListener listener;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final AtomicLong refusedSinceLog = new AtomicLong();
    private final AtomicLong nextLog = new AtomicLong(Long.MIN_VALUE);

    /** @param maxPerAddress 0: no limit per address */
    ConnectionLimiter(int maxConnections, int maxPerAddress, RtmpListener listener) {
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
        this.listener = listener;
    }

    /**
     * Admits {@code ch}, counting it until it closes, or closes it at once.
     *
     * @return whether the channel was admitted
     */
    boolean admit(Channel ch) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            return refuse(ch, "the server is at its limit of " + maxConnections + " open connections");
        }
        InetAddress address = maxPerAddress > 0 && ch.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        if (address != null && perAddress.merge(address, 1, Integer::sum) > maxPerAddress) {
            release(address);
            return refuse(ch, address.getHostAddress() + " is at the limit of " + maxPerAddress + " open connections per address");
        }
        ch.closeFuture().addListener(f -> release(address));
        return true;
    }

    /** Counts a connection out: of the total, and of its address when that is counted (non-null). */
    private void release(InetAddress address) {
        if (address != null) {
            perAddress.computeIfPresent(address, (k, n) -> n > 1 ? n - 1 : null);   // no entry left at 0
        }
        open.decrementAndGet();
    }

    private boolean refuse(Channel ch, String why) {
        listener.connectionRefused(why);   // before the close, so whoever sees the close sees it counted
        long refused = refusedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long due = nextLog.get();
        if ((due == Long.MIN_VALUE || now - due >= 0) && nextLog.compareAndSet(due, now + LOG_INTERVAL_NANOS)) {
            refused = refusedSinceLog.getAndSet(0);
            LOG.warn("RTMP {} refused: {}{}", ch.remoteAddress(), why,
                    refused > 1 ? " (" + refused + " connections refused since the last such line)" : "");
        }
        ch.close();
        return false;
    }
}
