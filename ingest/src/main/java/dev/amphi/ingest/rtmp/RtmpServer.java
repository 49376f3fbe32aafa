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

        /** Time without any inbound byte before a connection is closed, default 30 s. */
        Builder idleTimeout(Duration timeout);

        /**
         * Most connections open at once (RTMP and RTMPS together), default 1000; a connection
         * beyond it is closed at once, before the handshake, and counted.
         */
        Builder maxConnections(int connections);

        /**
         * Most connections open at once from one IP address, default 0: no limit (speakers behind one
         * office NAT share an address). Checked like {@link #maxConnections}.
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
