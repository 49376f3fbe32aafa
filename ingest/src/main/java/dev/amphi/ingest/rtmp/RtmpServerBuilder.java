package dev.amphi.ingest.rtmp;

import dev.amphi.ingest.PublishAuthorizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/** The {@link RtmpServer.Builder}: validates every value as it is set, naming a bad one. */
final class RtmpServerBuilder implements RtmpServer.Builder {

    /** Largest value the 24-bit message length field can carry. */
    static final int MESSAGE_LENGTH_LIMIT = 0xFFFFFF;

    String host = "0.0.0.0";
    int port = 1935;
    int tlsPort = -1;
    Path certificateChain;
    Path privateKey;
    PublishAuthorizer authorizer;
    RtmpServer.DuplicatePolicy duplicatePolicy = RtmpServer.DuplicatePolicy.TAKE_OVER;
    int maxMessageSize = 8 * 1024 * 1024;
    int maxChunkSize = 1024 * 1024;
    Duration handshakeTimeout = Duration.ofSeconds(10);
    Duration idleTimeout = Duration.ofSeconds(30);
    Duration publishTimeout = Duration.ofSeconds(10);
    int maxConnections = 1000;
    int maxConnectionsPerAddress = 100;
    int maxFailedPublishes = 10;
    Duration failedPublishWindow = Duration.ofMinutes(1);
    RtmpListener listener = new RtmpListener() { };
    int ioThreads = 0;
    boolean nativeTransport = true;
    Duration readBatch = Duration.ofMillis(40);
    Clock clock = Clock.systemUTC();

    @Override
    public RtmpServer.Builder bind(String host) {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("bind host must not be blank");
        }
        this.host = host;
        return this;
    }

    @Override
    public RtmpServer.Builder port(int port) {
        this.port = checkPort(port, "RTMP port");
        return this;
    }

    @Override
    public RtmpServer.Builder tls(int port, Path certificateChain, Path privateKey) {
        this.tlsPort = checkPort(port, "RTMPS port");
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(privateKey, "privateKey");
        if (!Files.isReadable(certificateChain)) {
            throw new IllegalArgumentException("RTMPS certificate chain " + certificateChain + " is not a readable file");
        }
        if (!Files.isReadable(privateKey)) {
            throw new IllegalArgumentException("RTMPS private key " + privateKey + " is not a readable file");
        }
        this.certificateChain = certificateChain;
        this.privateKey = privateKey;
        return this;
    }

    @Override
    public RtmpServer.Builder authorizer(PublishAuthorizer authorizer) {
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        return this;
    }

    @Override
    public RtmpServer.Builder duplicatePolicy(RtmpServer.DuplicatePolicy policy) {
        this.duplicatePolicy = Objects.requireNonNull(policy, "duplicatePolicy");
        return this;
    }

    @Override
    public RtmpServer.Builder maxMessageSize(int bytes) {
        if (bytes < 1024 || bytes > MESSAGE_LENGTH_LIMIT) {
            throw new IllegalArgumentException("maxMessageSize must be in 1024.." + MESSAGE_LENGTH_LIMIT + ", was " + bytes);
        }
        this.maxMessageSize = bytes;
        return this;
    }

    @Override
    public RtmpServer.Builder maxChunkSize(int bytes) {
        if (bytes < 128) {
            throw new IllegalArgumentException("maxChunkSize must be at least 128 (the RTMP default), was " + bytes);
        }
        this.maxChunkSize = bytes;
        return this;
    }

    @Override
    public RtmpServer.Builder handshakeTimeout(Duration timeout) {
        this.handshakeTimeout = positive(timeout, "handshakeTimeout");
        return this;
    }

    @Override
    public RtmpServer.Builder idleTimeout(Duration timeout) {
        this.idleTimeout = positive(timeout, "idleTimeout");
        return this;
    }

    @Override
    public RtmpServer.Builder publishTimeout(Duration timeout) {
        this.publishTimeout = positive(timeout, "publishTimeout");
        return this;
    }

    @Override
    public RtmpServer.Builder failedPublishLimit(int attempts, Duration window) {
        if (attempts < 0) {
            throw new IllegalArgumentException("failed publish attempts must be 0 (no limit) or more, was " + attempts);
        }
        this.failedPublishWindow = positive(window, "failed publish window");
        this.maxFailedPublishes = attempts;
        return this;
    }

    @Override
    public RtmpServer.Builder maxConnections(int connections) {
        if (connections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, was " + connections);
        }
        this.maxConnections = connections;
        return this;
    }

    @Override
    public RtmpServer.Builder maxConnectionsPerAddress(int connections) {
        if (connections < 0) {
            throw new IllegalArgumentException("maxConnectionsPerAddress must be 0 (no limit) or more, was " + connections);
        }
        this.maxConnectionsPerAddress = connections;
        return this;
    }

    @Override
    public RtmpServer.Builder listener(RtmpListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    @Override
    public RtmpServer.Builder ioThreads(int threads) {
        if (threads < 0 || threads > 256) {
            throw new IllegalArgumentException("ioThreads must be in 0..256 (0 = 2 x cores), was " + threads);
        }
        this.ioThreads = threads;
        return this;
    }

    @Override
    public RtmpServer.Builder nativeTransport(boolean enabled) {
        this.nativeTransport = enabled;
        return this;
    }

    @Override
    public RtmpServer.Builder readBatch(Duration batch) {
        Objects.requireNonNull(batch, "readBatch");
        if (batch.isNegative() || batch.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("readBatch must be between 0 and 1 s, was " + batch);
        }
        this.readBatch = batch;
        return this;
    }

    @Override
    public RtmpServer.Builder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    @Override
    public RtmpServer build() {
        if (authorizer == null) {
            throw new IllegalStateException("an RTMP server needs an authorizer (builder.authorizer(...))");
        }
        return new DefaultRtmpServer(this);
    }

    private static int checkPort(int port, String what) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " must be in 0..65535, was " + port);
        }
        return port;
    }

    private static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
        return d;
    }
}
