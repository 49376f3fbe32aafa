package dev.amphi.ingest.rtmp;

import dev.amphi.ingest.rtmp.chunk.ChunkStreamDecoder;
import dev.amphi.ingest.rtmp.chunk.ChunkStreamEncoder;
import dev.amphi.ingest.rtmp.command.CommandHandler;
import dev.amphi.ingest.rtmp.command.FailedPublishThrottle;
import dev.amphi.ingest.rtmp.command.IngestContext;
import dev.amphi.ingest.rtmp.handshake.HandshakeHandler;
import dev.amphi.ingest.rtmp.publish.PublishRegistry;
import dev.amphi.ingest.rtmp.publish.PublishSession;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty RTMP(S) server. Pipeline per connection: ReadBatcher → [SslHandler] → TrafficMeter
 * → HandshakeHandler (removes itself) → ChunkStreamEncoder / ChunkStreamDecoder → CommandHandler
 * (publish and media deadlines) → ConnectionGuard. A connection over a limit of the {@link ConnectionLimiter} gets no pipeline: it is closed at once.
 */
final class DefaultRtmpServer implements RtmpServer {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultRtmpServer.class);

    private final RtmpServerBuilder config;
    private final PublishRegistry registry = new PublishRegistry();
    private final IngestContext context;
    private final SslContext sslContext;
    private final Random random = new SecureRandom();
    private Class<? extends ServerChannel> serverChannelClass;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private ChannelGroup channels;
    private Channel plainChannel;
    private Channel tlsChannel;
    private boolean closed;
    private final ConnectionLimiter limiter;
    /** RTMPS: the TLS handshake's key exchange and signature run here, not on an event loop. */
    private ExecutorService tlsTasks;

    DefaultRtmpServer(RtmpServerBuilder config) {
        this.config = config;
        this.limiter = new ConnectionLimiter(config.maxConnections, config.maxConnectionsPerAddress, config.listener);
        this.context = new IngestContext(config.authorizer, registry,
                config.duplicatePolicy == DuplicatePolicy.TAKE_OVER, config.listener, config.publishTimeout, config.idleTimeout,
                new FailedPublishThrottle(config.maxFailedPublishes, config.failedPublishWindow, System::nanoTime));
        if (config.tlsPort >= 0) {
            try {
                sslContext = SslContextBuilder.forServer(config.certificateChain.toFile(), config.privateKey.toFile()).build();
            } catch (SSLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot load RTMPS certificate " + config.certificateChain
                        + " and key " + config.privateKey + ": " + e.getMessage(), e);
            }
        } else {
            sslContext = null;
        }
    }

    @Override
    public synchronized RtmpServer start() throws InterruptedException {
        if (boss != null) {
            throw new IllegalStateException("RTMP server already started");
        }
        boolean epoll = config.nativeTransport && Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        serverChannelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        if (config.nativeTransport && !epoll) {
            LOG.info("RTMP uses Java NIO: native epoll unavailable ({})", String.valueOf(Epoll.unavailabilityCause()));
        }
        boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("amphi-rtmp-accept"), io);
        workers = new MultiThreadIoEventLoopGroup(config.ioThreads, new DefaultThreadFactory("amphi-rtmp-io"), io);
        channels = new DefaultChannelGroup("rtmp", GlobalEventExecutor.INSTANCE);
        try {
            plainChannel = bind(config.port, false);
            if (sslContext != null) {
                tlsTasks = Executors.newFixedThreadPool(Math.max(1, Runtime.getRuntime().availableProcessors()),
                        new DefaultThreadFactory("amphi-rtmps-tls", true));
                tlsChannel = bind(config.tlsPort, true);
            }
        } catch (InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("RTMP listening on {}:{}{}", config.host, port(), tlsChannel != null ? ", RTMPS on port " + tlsPort() : "");
        return this;
    }

    private Channel bind(int port, boolean tls) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(serverChannelClass)
                .option(ChannelOption.SO_BACKLOG, 256)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (!limiter.admit(ch)) {
                            return;
                        }
                        channels.add(ch);
                        ChannelPipeline p = ch.pipeline();
                        p.addLast("batch", new ReadBatcher(config.readBatch.toNanos()));
                        if (tls) {
                            p.addLast("tls", sslContext.newHandler(ch.alloc(), tlsTasks));
                        }
                        p.addLast("meter", new ConnectionGuard.TrafficMeter(config.listener));
                        p.addLast("handshake", new HandshakeHandler(config.handshakeTimeout, config.clock, random));
                        p.addLast("chunk-encoder", new ChunkStreamEncoder());
                        p.addLast("chunk-decoder", new ChunkStreamDecoder(config.maxMessageSize, config.maxChunkSize));
                        p.addLast("commands", new CommandHandler(context, tls));
                        p.addLast("guard", new ConnectionGuard(config.listener));
                    }
                });
        Channel ch = b.bind(new InetSocketAddress(config.host, port)).sync().channel();
        channels.add(ch);
        return ch;
    }

    @Override
    public int port() {
        return plainChannel == null ? -1 : ((InetSocketAddress) plainChannel.localAddress()).getPort();
    }

    @Override
    public int tlsPort() {
        return tlsChannel == null ? -1 : ((InetSocketAddress) tlsChannel.localAddress()).getPort();
    }

    @Override
    public int activePublishers() {
        return registry.size();
    }

    @Override
    public int kick(java.util.function.Predicate<String> which, String reason) {
        int n = 0;
        for (PublishSession s : registry.sessions()) {
            if (which.test(s.streamName())) {
                s.kick(reason);
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized void close() {
        if (closed || boss == null) {
            closed = true;
            return;
        }
        closed = true;
        List<Future<Void>> ends = new ArrayList<>();
        for (PublishSession s : registry.sessions()) {
            ends.add(s.kick("server shutting down"));
        }
        for (Future<Void> f : ends) {
            f.awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
        channels.close().awaitUninterruptibly(3, TimeUnit.SECONDS);
        Future<?> b = boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        Future<?> w = workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        b.awaitUninterruptibly(3, TimeUnit.SECONDS);
        w.awaitUninterruptibly(3, TimeUnit.SECONDS);
        if (tlsTasks != null) {
            tlsTasks.shutdownNow();
        }
        LOG.info("RTMP server closed");
    }
}
