package dev.amphi.ingest.rtmp;

import dev.amphi.ingest.PublishAuthorizer;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An RTMP (and optionally RTMPS) ingest server. Create with {@link #builder()}, then
 * {@link #start()}; {@link #close()} sends every publisher a close and releases the ports.
 *
 * <p>Threads: Netty event loops own all connections; packets reach the authorizer's sinks on them.
 */
public interface RtmpServer extends AutoCloseable {

    /** What happens when a second publisher arrives on a stream that is already live. */
    enum DuplicatePolicy {
        /** The newcomer takes over; the stale connection is closed (a reconnecting encoder need not wait). */
        TAKE_OVER,
        /** The newcomer is refused with NetStream.Publish.BadName. */
        REFUSE
    }

    static Builder builder() {
        return new RtmpServerBuilder();
    }

    /** Binds the ports; returns when they are bound. */
    RtmpServer start() throws InterruptedException;

    /** The bound RTMP port (useful after binding port 0). */
    int port();

    /** The bound RTMPS port, or -1 when TLS is not configured. */
    int tlsPort();

    /** Number of publishers currently publishing. */
    int activePublishers();

    /**
     * Disconnects every publisher whose stream name {@code which} accepts (a kicked speaker, every
     * speaker of a room whose event ended), from any thread; returns at once.
     *
     * @return how many were disconnected
     */
    int kick(java.util.function.Predicate<String> which, String reason);

    /** Closes every publisher and unbinds; waits up to a few seconds. */
    @Override
    void close();

    /** Builder; every setter validates its argument and names a bad value. */
    interface Builder {
        Builder bind(String host);

        /** 0 picks a free port. Default 1935. */
        Builder port(int port);

        /** Enables RTMPS on {@code port} (0 = free port) with a PEM certificate chain and PKCS#8 key. */
        Builder tls(int port, Path certificateChain, Path privateKey);

        Builder authorizer(PublishAuthorizer authorizer);

        Builder duplicatePolicy(DuplicatePolicy policy);

        /** Largest RTMP message accepted, default 8 MiB. */
        Builder maxMessageSize(int bytes);

        /** Largest chunk size a peer may set, default 1 MiB (the protocol allows up to 2^31-1). */
        Builder maxChunkSize(int bytes);

        /** Time allowed for the handshake, default 10 s. */
        Builder handshakeTimeout(Duration timeout);

        /**
         * Time a publishing connection may go without an audio or video message before it is closed,
         * default 30 s. Other bytes (pings, commands, a message that never completes) do not count,
         * so a trickle of bytes cannot hold a connection.
         */
        Builder idleTimeout(Duration timeout);

        /**
         * Time from the end of the handshake until the connection must have started publishing
         * (connect, createStream, publish and the authorizer's answer), default 10 s; a connection
         * that has not is closed. With the handshake timeout this bounds how long a connection that
         * never publishes holds its place.
         */
        Builder publishTimeout(Duration timeout);

        /**
         * Throttle of failed publish attempts (wrong stream keys, as the authorizer says): an address
         * that failed {@code attempts} times within {@code window} of its first failure has its
         * publish attempts refused without asking the authorizer until that window is over. Default
         * 10 per minute; 0 attempts turns it off. Speakers behind one NAT share an address, so one
         * misconfigured encoder that retries fast can hold up its colleagues' new connections for
         * up to the window (publishers already live are not affected).
         */
        Builder failedPublishLimit(int attempts, Duration window);

        /**
         * Most connections open at once (RTMP and RTMPS together), default 1000; a connection
         * beyond it is closed at once, before the handshake, and counted.
         */
        Builder maxConnections(int connections);

        /**
         * Most connections open at once from one IP address, default 100, 0: no limit. Checked like
         * {@link #maxConnections}. Speakers behind one NAT (an office, a campus) share an address:
         * raise it where more than 100 of them publish to one server at once.
         */
        Builder maxConnectionsPerAddress(int connections);

        /** Optional observer for metrics (connections, bytes, errors). */
        Builder listener(RtmpListener listener);

        /** Event-loop threads for connections; 0 (default) lets Netty pick (2 x cores). */
        Builder ioThreads(int threads);

        /**
         * Whether to use Netty's native epoll transport where it is available (Linux x86-64),
         * default true; false, or another platform, uses Java NIO. Same behaviour either way,
         * epoll costs fewer system calls and less CPU per connection.
         */
        Builder nativeTransport(boolean enabled);

        /**
         * How long a connection's bytes may wait in the kernel so that they are read in fewer,
         * larger reads (epoll transport only: the socket's receive low-water mark follows the
         * connection's rate), default 40 ms; zero reads every piece as it arrives. A message waits
         * at most about four times this. See {@code ReadBatcher}.
         */
        Builder readBatch(Duration batch);

        /** Clock for the handshake's time field; default the system UTC clock. */
        Builder clock(java.time.Clock clock);

        RtmpServer build();
    }
}
