package dev.amphi.ingest.webrtc.transport;

import dev.amphi.ingest.webrtc.dtls.DtlsCertificate;
import dev.amphi.ingest.webrtc.ice.IceLiteResponder;
import dev.amphi.ingest.webrtc.ice.IceLiteResponder.Outcome;
import dev.amphi.ingest.webrtc.ice.StunHandler;
import dev.amphi.ingest.webrtc.sdp.IceCredentials;
import dev.amphi.ingest.webrtc.sdp.NegotiatedSession;
import dev.amphi.ingest.webrtc.sdp.ServerParameters;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's WebRTC port: one UDP socket for every peer (ICE-lite, RFC 8445 2.5), one DTLS
 * certificate, and the peers opened on it from their negotiated SDP.
 *
 * <pre>{@code
 * WebRtcTransport transport = WebRtcTransport.start(TransportOptions.defaults(50000));
 * ServerParameters local = transport.serverParameters();          // per peer: ICE credentials, SSRCs
 * Answer answer = Sdp.answer(Sdp.parse(offer), local);             // the 201 body
 * PeerSession peer = transport.open(answer.negotiated(), local, listener);
 * }</pre>
 *
 * <p>Datagrams are sorted by RFC 7983: STUN goes to the {@link IceLiteResponder} (through
 * {@link StunHandler}); DTLS, SRTP and SRTCP are taken only from a peer's nominated address, and
 * the rest is dropped and counted: datagrams over {@link #MAX_DATAGRAM} bytes, unknown sources,
 * malformed or unauthenticated packets. Nothing thrown by a bad datagram leaves the channel.
 */
public final class WebRtcTransport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebRtcTransport.class);
    /** Larger datagrams are dropped: WebRTC keeps packets under the path MTU (about 1200 bytes). */
    public static final int MAX_DATAGRAM = 1500;
    static final long TICK_MILLIS = 20;
    /** Parameters handed out and not opened within this are forgotten. */
    static final long ISSUED_TTL_NANOS = 60_000_000_000L;

    private record Issued(ServerParameters parameters, long at) {
    }

    private final TransportOptions options;
    private final DtlsCertificate certificate = DtlsCertificate.generate();
    private final IceLiteResponder<Peer> responder = new IceLiteResponder<>();
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, Peer> byAddress = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    /** Parameters handed out by {@link #serverParameters()} and not opened yet, by ufrag, with when. */
    private final Map<String, Issued> issued = new ConcurrentHashMap<>();
    private final LongAdder oversize = new LongAdder();
    private final LongAdder unknownSource = new LongAdder();
    private final LongAdder unclassified = new LongAdder();
    private final LongAdder stunDropped = new LongAdder();
    private final LongAdder stunRefused = new LongAdder();
    private final MultiThreadIoEventLoopGroup group;
    private final ThreadPoolExecutor dtlsWorkers;
    private final Channel channel;
    private final ScheduledFuture<?> ticker;
    /** Listed once at start: listing interfaces costs system calls, and {@link #serverParameters()} may run on an event loop. */
    private final List<String> candidates;
    private volatile DatagramFilter filter;

    private WebRtcTransport(TransportOptions options) throws InterruptedException {
        this.options = options;
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("amphi-webrtc-io", true), io);
        dtlsWorkers = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(options.maxPeers() * 4 + 64), new DefaultThreadFactory("amphi-webrtc-dtls", true));
        dtlsWorkers.allowCoreThreadTimeOut(true);
        try {
            channel = new Bootstrap().group(group).channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, 4 << 20)
                    .option(ChannelOption.SO_SNDBUF, 4 << 20)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast("gate", new DatagramRouter.Gate(oversize, unclassified));
                            ch.pipeline().addLast("stun", new StunHandler<>(responder, WebRtcTransport.this::nominated,
                                    WebRtcTransport.this::stunOutcome));
                            ch.pipeline().addLast("peers", new DatagramRouter(WebRtcTransport.this));
                        }
                    })
                    .bind(options.bindHost(), options.port()).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            dtlsWorkers.shutdownNow();
            throw e;
        }
        candidates = findCandidateAddresses();
        ticker = channel.eventLoop().scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        LOG.info("WebRTC transport on UDP {} ({}), candidates {}", channel.localAddress(), epoll ? "epoll" : "NIO",
                candidateAddresses());
    }

    /**
     * Binds the port and makes the DTLS certificate.
     *
     * @throws IllegalStateException when the port cannot be bound (the message says why)
     */
    public static WebRtcTransport start(TransportOptions options) {
        Objects.requireNonNull(options, "options");
        try {
            return new WebRtcTransport(options);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding the WebRTC port", e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot bind the WebRTC UDP port " + options.bindHost() + ":"
                    + options.port() + ": " + e.getMessage(), e);
        }
    }

    public TransportOptions options() {
        return options;
    }

    /** The bound UDP port. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The server certificate's SHA-256 fingerprint, {@code AB:CD:...} as {@link ServerParameters} takes it. */
    public String fingerprintSha256() {
        return certificate.fingerprint().hex();
    }

    /**
     * The IP literals to offer as host candidates: the configured ones, else the bound address,
     * else (bound to a wildcard) the machine's up, non-loopback addresses, IPv4 first (at most 8),
     * else 127.0.0.1; listed once at start.
     */
    public List<String> candidateAddresses() {
        return candidates;
    }

    private List<String> findCandidateAddresses() {
        if (!options.candidateAddresses().isEmpty()) {
            return options.candidateAddresses();
        }
        InetAddress bound = ((InetSocketAddress) channel.localAddress()).getAddress();
        if (!bound.isAnyLocalAddress()) {
            return List.of(bound.getHostAddress());
        }
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp() || ni.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (a.isLinkLocalAddress()) {
                        continue;
                    }
                    String literal = a.getHostAddress();
                    int zone = literal.indexOf('%');
                    (a instanceof Inet4Address ? v4 : v6).add(zone < 0 ? literal : literal.substring(0, zone));
                }
            }
        } catch (SocketException e) {
            LOG.warn("cannot list network interfaces: {}", e.getMessage());
        }
        v4.addAll(v6);
        List<String> out = v4.stream().distinct().limit(8).toList();
        return out.isEmpty() ? List.of("127.0.0.1") : out;
    }

    /**
     * Fresh parameters for one peer's answer: random ICE credentials, session id and SSRCs, this
     * port, fingerprint and candidate addresses, CNAME and stream id {@code amphi}.
     */
    public ServerParameters serverParameters() {
        long audio = 1 + random.nextInt(Integer.MAX_VALUE - 1);
        long video = audio + 1;
        long videoRtx = audio + 2;
        ServerParameters p = new ServerParameters(IceCredentials.random(random), fingerprintSha256(), port(),
                candidateAddresses(), random.nextLong() >>> 2, "amphi", "amphi", audio, video, videoRtx);
        if (issued.size() < 4 * options.maxPeers() + 16) {
            issued.put(p.ice().ufrag(), new Issued(p, System.nanoTime()));
        }
        return p;
    }

    /**
     * As {@link #open(NegotiatedSession, ServerParameters, PeerListener)} with the parameters that
     * {@link #serverParameters()} handed out for the session's ICE ufrag (kept for a minute).
     *
     * @throws IllegalArgumentException when the session's ufrag was not handed out here, or too long ago
     */
    public PeerSession open(NegotiatedSession session, PeerListener listener) {
        Objects.requireNonNull(session, "session");
        Issued i = issued.get(session.localIce().ufrag());
        if (i == null) {
            throw new IllegalArgumentException("the session's ICE ufrag " + session.localIce().ufrag()
                    + " was not handed out by serverParameters() within the last minute");
        }
        return open(session, i.parameters(), listener);
    }

    /**
     * Opens a peer: registers its ICE credentials; once the peer nominates an address, the DTLS
     * handshake runs on a worker and media flows to {@code listener}. The peer is closed when ICE
     * and DTLS do not complete within the handshake timeout.
     *
     * @param session what the answer agreed on ({@code Answer.negotiated()})
     * @param local   the parameters the answer was made with (ICE credentials, our SSRCs)
     * @throws IllegalStateException    when {@link TransportOptions#maxPeers()} peers are open, or the transport is closed
     * @throws IllegalArgumentException when the session has no SHA-256 fingerprint, or its ufrag is in use
     */
    public PeerSession open(NegotiatedSession session, ServerParameters local, PeerListener listener) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(listener, "listener");
        if (!channel.isActive()) {
            throw new IllegalStateException("the WebRTC transport is closed");
        }
        if (!session.localIce().equals(local.ice())) {
            throw new IllegalArgumentException("the session was negotiated with other ICE credentials than " + local.ice());
        }
        if (peers.size() >= options.maxPeers()) {
            throw new IllegalStateException("the WebRTC port already serves " + peers.size() + " peers (the limit)");
        }
        Peer peer = new Peer(this, session, local, listener, random);
        issued.remove(local.ice().ufrag());
        if (peers.putIfAbsent(peer.id(), peer) != null) {
            throw new IllegalArgumentException("ICE ufrag " + peer.id() + " is already in use");
        }
        responder.register(local.ice().ufrag(), local.ice().pwd(), peer);
        return peer;
    }

    /** The open peers. */
    public List<PeerSession> peers() {
        return List.copyOf(peers.values());
    }

    /** Datagrams dropped before reaching a peer: over the size limit, unclassifiable, from unknown sources, STUN dropped. */
    public long droppedDatagrams() {
        return oversize.sum() + unclassified.sum() + unknownSource.sum() + stunDropped.sum();
    }

    /** The port's counters, for metrics. */
    public TransportStats stats() {
        return new TransportStats(peers.size(), oversize.sum(), unclassified.sum(), unknownSource.sum(),
                stunDropped.sum(), stunRefused.sum());
    }

    /**
     * A testing aid: lets only the datagrams {@code filter} passes in and out of the port from now
     * on (loss injection for tests and benchmarks); null removes it. Without a filter the port has
     * no filtering stage.
     */
    public void filter(DatagramFilter filter) {
        this.filter = filter;
        channel.eventLoop().execute(() -> {
            boolean present = channel.pipeline().get("filter") != null;
            if (this.filter != null && !present) {
                channel.pipeline().addFirst("filter", new DatagramRouter.Filter(this));
            } else if (this.filter == null && present) {
                channel.pipeline().remove("filter");
            }
        });
    }

    /** Closes every peer (BYE, close_notify) and the port. */
    @Override
    public void close() {
        for (Peer p : peers.values()) {
            p.close("the server is shutting down", true);
        }
        ticker.cancel(false);
        dtlsWorkers.shutdown(); // the close_notify tasks queued above still run, and write on the open channel
        try {
            dtlsWorkers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dtlsWorkers.shutdownNow();
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    // ---- package-private: the peers' and the router's side ----

    Channel channel() {
        return channel;
    }

    DtlsCertificate certificate() {
        return certificate;
    }

    Peer peerAt(InetSocketAddress source) {
        return byAddress.get(source);
    }

    void unknownSource() {
        unknownSource.increment();
    }

    void route(Peer peer, byte[] datagram, long now) {
        DatagramRouter.route(peer, datagram, now);
    }

    boolean submit(Runnable task) {
        try {
            dtlsWorkers.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    DatagramFilter currentFilter() {
        return filter;
    }

    void write(byte[] datagram, InetSocketAddress to) {
        DatagramFilter f = filter;
        if (f != null && to != null && !f.pass(DatagramFilter.Direction.OUTBOUND, to, datagram)) {
            return;
        }
        if (to != null) {
            channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(datagram), to), channel.voidPromise());
        }
    }

    void forget(Peer peer) {
        responder.unregister(peer.id());
        peers.remove(peer.id(), peer);
        InetSocketAddress at = peer.remote();
        if (at != null) {
            byAddress.remove(at, peer);
        }
    }

    private void nominated(Outcome<Peer> outcome) {
        Peer peer = outcome.peer();
        if (peer.isClosed()) {
            return;
        }
        if (outcome.previous() != null) {
            byAddress.remove(outcome.previous(), peer);
        }
        byAddress.put(outcome.nominated(), peer);
        peer.nominated(outcome.nominated());
    }

    private void stunOutcome(Outcome<Peer> outcome) {
        switch (outcome.action()) {
            case ANSWERED, NOMINATED -> outcome.peer().consent();
            case REFUSED -> stunRefused.increment();
            case DROPPED -> stunDropped.increment();
        }
    }

    private void tick() {
        long now = System.nanoTime();
        issued.values().removeIf(i -> now - i.at() > ISSUED_TTL_NANOS);
        for (Peer p : peers.values()) {
            try {
                p.tick(now);
            } catch (RuntimeException e) {
                LOG.warn("peer {}: timer failed: {}", p.id(), e.toString());
            }
        }
    }
}
