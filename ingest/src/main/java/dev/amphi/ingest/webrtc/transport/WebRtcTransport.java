package dev.amphi.ingest.webrtc.transport;

import dev.amphi.ingest.webrtc.codec.H264Packetizer;
import dev.amphi.ingest.webrtc.dtls.DtlsCertificate;
import dev.amphi.ingest.webrtc.ice.IceLiteResponder.Outcome;
import dev.amphi.ingest.webrtc.ice.IceLiteResponder;
import dev.amphi.ingest.webrtc.ice.StunHandler;
import dev.amphi.ingest.webrtc.sdp.IceCredentials;
import dev.amphi.ingest.webrtc.sdp.NegotiatedSession;
import dev.amphi.ingest.webrtc.sdp.ServerParameters;
import dev.amphi.media.MediaPacket;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's WebRTC port: one UDP port for every peer (ICE-lite, RFC 8445 2.5), one DTLS
 * certificate, and the peers opened on it from their negotiated SDP.
 *
 * <p>Threads: with Linux's epoll the port is served by {@link #ioThreads()} sockets bound to it with
 * {@code SO_REUSEPORT}, each read by its own event loop ({@code amphi-webrtc-io-N}); the kernel
 * sends all datagrams of one remote address to the same socket. A peer lives on the loop whose
 * socket received its nomination (its "home"): its datagrams, timers and sends run there, and a
 * datagram that arrives on another socket (the peer's address changed) is handed to that loop. So
 * the port's work is spread over several threads, and one busy thread no longer decides when the
 * kernel's receive buffer overflows. Elsewhere (NIO) one socket and one loop serve everyone.
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
    /** At most this many datagrams, and bytes, in one segmented send (the kernel takes 64 segments, 64 KiB). */
    static final int GSO_MAX_SEGMENTS = 64;
    static final int GSO_MAX_BYTES = 60_000;
    /** Datagrams read per system call (epoll's recvmmsg) when that many wait. */
    static final int RECEIVE_BATCH = 16;
    /**
     * The peers' timer: NACK repeats (50 ms apart at the earliest), transport-cc feedback (every
     * 100 ms), reports, timeouts. Every 20 ms it cost a fifth of the loops' time at 300 peers.
     */
    static final long TICK_MILLIS = 40;
    /** Receive and send buffer asked of the kernel per socket (it grants at most net.core.rmem_max / wmem_max). */
    static final int SOCKET_BUFFER = 4 << 20;
    /** Parameters handed out and not opened within this are forgotten. */
    static final long ISSUED_TTL_NANOS = 60_000_000_000L;

    private record Issued(ServerParameters parameters, long at) {
    }

    private final TransportOptions options;
    private final DtlsCertificate certificate = DtlsCertificate.generate();
    private final IceLiteResponder<Peer> responder = new IceLiteResponder<>();
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, Peer> byAddress = new ConcurrentHashMap<>();
    /** The peers each loop's timer runs: by home socket; those not nominated yet under the first socket. */
    private final Map<Channel, Set<Peer>> ticked = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    /** Parameters handed out by {@link #serverParameters()} and not opened yet, by ufrag, with when. */
    private final Map<String, Issued> issued = new ConcurrentHashMap<>();
    private final LongAdder oversize = new LongAdder();
    private final LongAdder unknownSource = new LongAdder();
    private final LongAdder unclassified = new LongAdder();
    private final LongAdder stunDropped = new LongAdder();
    private final LongAdder stunRefused = new LongAdder();
    private final LongAdder sendQueueDrops = new LongAdder();
    private final LongAdder gsoSends = new LongAdder();
    /** Whether runs of equal-size datagrams go out segmented (UDP GSO, epoll); see {@link #writeSegmented}. */
    private volatile boolean gso;
    /** What each of the port's sockets sends, queued for one flush per drain. */
    private final Map<Channel, Outbox> outboxes;
    private final MultiThreadIoEventLoopGroup group;
    private final ThreadPoolExecutor dtlsWorkers;
    /** The sockets bound to the port, one per event loop; the first is the one addresses and filters start from. */
    private final List<Channel> channels;
    private final Channel channel;
    private final List<ScheduledFuture<?>> tickers = new ArrayList<>();
    /** Listed once at start: listing interfaces costs system calls, and {@link #serverParameters()} may run on an event loop. */
    private final List<String> candidates;
    private volatile DatagramFilter filter;
    /** The kernel's drop counter summed over the port's sockets, as last read (see {@link #socketDrops()}). */
    private volatile long socketDrops;
    private long ticks;

    private WebRtcTransport(TransportOptions options) throws InterruptedException {
        this.options = options;
        boolean epoll = Epoll.isAvailable();
        int loops = epoll ? ioThreads() : 1;
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(loops, new DefaultThreadFactory("amphi-webrtc-io", true), io);
        dtlsWorkers = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(options.maxPeers() * 4 + 64), new DefaultThreadFactory("amphi-webrtc-dtls", true));
        dtlsWorkers.allowCoreThreadTimeOut(true);
        List<Channel> bound = new ArrayList<>();
        try {
            if (loops > 1 && options.port() != 0) {
                refuseIfTaken(options.bindHost(), options.port());
            }
            Bootstrap b = new Bootstrap().group(group).channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                    .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(epoll ? RECEIVE_BATCH * 2048 : 2048))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast("gate", new DatagramRouter.Gate(oversize, unclassified));
                            ch.pipeline().addLast("stun", new StunHandler<Peer>(responder, o -> nominated(o, ch),
                                    WebRtcTransport.this::stunOutcome));
                            ch.pipeline().addLast("peers", new DatagramRouter(WebRtcTransport.this));
                        }
                    });
            if (loops > 1) {
                b.option(EpollChannelOption.SO_REUSEPORT, true);
            }
            if (epoll) {
                // recvmmsg: up to RECEIVE_BATCH datagrams of at most 2 KiB per system call
                b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 2048);
            }
            // each bind registers with the group's next loop: one socket per loop
            Channel first = b.bind(options.bindHost(), options.port()).sync().channel();
            bound.add(first);
            int port = ((InetSocketAddress) first.localAddress()).getPort();
            for (int i = 1; i < loops; i++) {
                bound.add(b.bind(options.bindHost(), port).sync().channel());
            }
        } catch (InterruptedException | RuntimeException e) {
            for (Channel c : bound) {
                c.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            dtlsWorkers.shutdownNow();
            throw e;
        }
        channels = List.copyOf(bound);
        channel = channels.get(0);
        Map<Channel, Outbox> out = new IdentityHashMap<>();
        for (Channel c : channels) {
            out.put(c, new Outbox(c, sendQueueDrops, this::gsoFailed));
        }
        outboxes = Collections.unmodifiableMap(out);
        gso = epoll && EpollDatagramChannel.isSegmentedDatagramPacketSupported()
                && Boolean.parseBoolean(System.getProperty("amphi.webrtc.gso", "true"));
        candidates = findCandidateAddresses();
        for (Channel c : channels) {
            tickers.add(c.eventLoop().scheduleAtFixedRate(() -> tick(c), TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS));
        }
        Integer rcvbuf = channel.config().getOption(ChannelOption.SO_RCVBUF);
        if (rcvbuf != null && rcvbuf < SOCKET_BUFFER) {
            LOG.warn("the kernel granted a UDP receive buffer of {} KiB of the {} KiB asked for: under load datagrams"
                    + " will be dropped; raise net.core.rmem_max (sysctl -w net.core.rmem_max={})", rcvbuf / 1024,
                    SOCKET_BUFFER / 1024, SOCKET_BUFFER);
        }
        LOG.info("WebRTC transport on UDP {} ({}, {} socket(s) and thread(s){}), candidates {}", channel.localAddress(),
                epoll ? "epoll" : "NIO", channels.size(), gso ? ", UDP GSO" : "", candidateAddresses());
    }

    /**
     * Event loops (and sockets) serving the port with epoll: the {@code amphi.webrtc.ioThreads}
     * system property, else half the processors, at least 2 and at most 8.
     */
    static int ioThreads() {
        int fallback = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors() / 2));
        return Math.max(1, Math.min(64, Integer.getInteger("amphi.webrtc.ioThreads", fallback)));
    }

    /**
     * With SO_REUSEPORT a second process of the same user could bind the port beside us and take
     * a share of its datagrams, where a plain bind would fail: a probe without the option fails
     * first when anything holds the port.
     */
    private static void refuseIfTaken(String host, int port) {
        try (DatagramSocket probe = new DatagramSocket(null)) {
            probe.setReuseAddress(false);
            probe.bind(new InetSocketAddress(host, port));
        } catch (SocketException e) {
            throw new IllegalStateException("UDP port " + port + " is in use (" + e.getMessage() + ")", e);
        }
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
        tickedBy(channel).add(peer);
        responder.register(local.ice().ufrag(), local.ice().pwd(), peer);
        return peer;
    }

    /** The open peers. */
    public List<PeerSession> peers() {
        return List.copyOf(peers.values());
    }

    /**
     * Datagrams the kernel dropped on the port's sockets because they were not read in time (a
     * full receive buffer), as read from {@code /proc/net/udp} and {@code udp6} at most 5 s ago;
     * 0 where that is not available (not Linux, not epoll).
     */
    public long socketDrops() {
        return socketDrops;
    }

    private void readSocketDrops() {
        try {
            Set<String> inodes = new HashSet<>();
            for (Channel c : channels) {
                if (c instanceof EpollDatagramChannel e) {
                    String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + e.fd().intValue()))
                            .toString(); // socket:[12345]
                    if (link.startsWith("socket:[") && link.endsWith("]")) {
                        inodes.add(link.substring(8, link.length() - 1));
                    }
                }
            }
            if (!inodes.isEmpty()) {
                socketDrops = procUdpDrops(inodes, Path.of("/proc/net/udp"))
                        + procUdpDrops(inodes, Path.of("/proc/net/udp6"));
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read the UDP drop counters: {}", e.toString());
        }
    }

    /** The drops column summed over the rows of {@code table} (a /proc/net/udp file) whose inode is in {@code inodes}. */
    static long procUdpDrops(Set<String> inodes, Path table) throws IOException {
        if (!Files.isReadable(table)) {
            return 0;
        }
        long sum = 0;
        for (String line : Files.readAllLines(table)) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 13 && inodes.contains(f[9]) && f[f.length - 1].chars().allMatch(Character::isDigit)) {
                sum += Long.parseLong(f[f.length - 1]);
            }
        }
        return sum;
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
        for (Channel c : channels) {
            c.eventLoop().execute(() -> {
                boolean present = c.pipeline().get("filter") != null;
                if (this.filter != null && !present) {
                    c.pipeline().addFirst("filter", new DatagramRouter.Filter(this));
                } else if (this.filter == null && present) {
                    c.pipeline().remove("filter");
                }
            });
        }
    }

    /** Closes every peer (BYE, close_notify) and the port. */
    @Override
    public void close() {
        for (Peer p : peers.values()) {
            p.close("the server is shutting down", true);
        }
        for (ScheduledFuture<?> t : tickers) {
            t.cancel(false);
        }
        dtlsWorkers.shutdown(); // the close_notify tasks queued above still run, and write on the open channel
        try {
            dtlsWorkers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dtlsWorkers.shutdownNow();
        for (Channel c : channels) {
            c.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    // ---- package-private: the peers' and the router's side ----

    /** Every socket bound to the port, one per event loop. */
    List<Channel> channels() {
        return channels;
    }

    /** The first socket (DTLS records go out through it; any of the port's sockets sends from the same address). */
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

    /** Sends one datagram through socket {@code via} (a peer's home); any thread, see {@link Outbox}. */
    void write(Channel via, byte[] datagram, InetSocketAddress to) {
        DatagramFilter f = filter;
        if (to == null || f != null && !f.pass(DatagramFilter.Direction.OUTBOUND, to, datagram)) {
            return;
        }
        outbox(via).add(new DatagramPacket(Unpooled.wrappedBuffer(datagram), to));
    }

    /**
     * Sends several datagrams to one address through socket {@code via}, in order; any thread. They
     * go out with whatever else the socket's loop sends meanwhile: one flush, one sendmmsg for many
     * peers (see {@link Outbox}).
     */
    void write(Channel via, List<byte[]> datagrams, InetSocketAddress to) {
        if (to == null) {
            return;
        }
        DatagramFilter f = filter;
        Outbox out = outbox(via);
        if (f == null && gso) {
            writeSegmented(out, datagrams, to);
            return;
        }
        for (byte[] d : datagrams) {
            if (f == null || f.pass(DatagramFilter.Direction.OUTBOUND, to, d)) {
                out.add(new DatagramPacket(Unpooled.wrappedBuffer(d), to));
            }
        }
    }

    /**
     * UDP GSO: a run of datagrams of one size (the last may be shorter: a frame's FU-A fragments)
     * goes to the kernel as one buffer it cuts into datagrams ({@code UDP_SEGMENT}), so a frame for a
     * peer costs one pass through the socket layer instead of one per packet; the receiver sees
     * the same datagrams.
     */
    private void writeSegmented(Outbox out, List<byte[]> datagrams, InetSocketAddress to) {
        int n = datagrams.size();
        int i = 0;
        while (i < n) {
            int size = datagrams.get(i).length;
            int total = size;
            int j = i + 1;
            while (j < n && j - i < GSO_MAX_SEGMENTS) {
                int len = datagrams.get(j).length;
                if (len > size || total + len > GSO_MAX_BYTES) {
                    break;
                }
                total += len;
                j++;
                if (len < size) {
                    break; // a shorter one ends the run
                }
            }
            if (j - i == 1) {
                out.add(new DatagramPacket(Unpooled.wrappedBuffer(datagrams.get(i)), to));
            } else {
                out.add(new SegmentedDatagramPacket(Unpooled.wrappedBuffer(datagrams.subList(i, j).toArray(new byte[0][])),
                        size, to));
                gsoSends.increment();
            }
            i = j;
        }
    }

    /**
     * A segmented send failed. The kernel refuses GSO with EIO on a device without the checksum
     * offload it needs (or the transport says it is unsupported): plain datagrams from now on.
     * Anything else (a closed socket at shutdown, an unreachable peer) is that send's own failure.
     */
    void gsoFailed(Throwable cause) {
        String m = String.valueOf(cause.getMessage());
        boolean gsoRefused = cause instanceof UnsupportedOperationException || m.contains("Input/output error")
                || m.contains("EIO");
        if (!gsoRefused) {
            LOG.debug("WebRTC port: a segmented send failed: {}", cause.toString());
            return;
        }
        if (gso) {
            gso = false;
            LOG.warn("UDP GSO failed on the WebRTC port ({}): sending one datagram per system call entry from now on", cause.toString());
        }
    }

    /** Whether runs of datagrams go out segmented (UDP GSO) now. */
    boolean gsoOn() {
        return gso;
    }

    /** Sends that went out as one segmented (GSO) buffer of several datagrams. */
    long gsoSends() {
        return gsoSends.sum();
    }

    private Outbox outbox(Channel via) {
        Outbox o = outboxes.get(via);
        return o != null ? o : outboxes.get(channel); // not one of the port's sockets: cannot happen, the first one then
    }

    /** Datagrams not sent because their socket's queue was full (its event loop stalled); see {@link Outbox}. */
    public long sendQueueDrops() {
        return sendQueueDrops.sum();
    }

    /** One video packet's RTP payloads, made once for all the peers it is sent to. */
    private record Packetized(MediaPacket packet, List<byte[]> payloads) {
    }

    private volatile Packetized lastVideo;

    /**
     * The payloads of {@code packet}: the same program frame goes to every peer in turn, so the
     * split into RTP payloads is made by the first and reused by the others (peers number them).
     */
    List<byte[]> videoPayloads(MediaPacket packet, H264Packetizer packetizer) {
        Packetized last = lastVideo;
        if (last != null && last.packet() == packet) {
            return last.payloads();
        }
        List<byte[]> payloads = packetizer.payloads(packet);
        lastVideo = new Packetized(packet, payloads);
        return payloads;
    }

    private Set<Peer> tickedBy(Channel c) {
        return ticked.computeIfAbsent(c, k -> ConcurrentHashMap.newKeySet());
    }

    void forget(Peer peer) {
        for (Set<Peer> set : ticked.values()) {
            set.remove(peer);
        }
        responder.unregister(peer.id());
        peers.remove(peer.id(), peer);
        InetSocketAddress at = peer.remote();
        if (at != null) {
            byAddress.remove(at, peer);
        }
    }

    /** On the event loop of socket {@code via}, which becomes the peer's home if it has none yet. */
    private void nominated(Outcome<Peer> outcome, Channel via) {
        Peer peer = outcome.peer();
        if (peer.isClosed()) {
            return;
        }
        if (peer.home(via) && via != channel) {
            tickedBy(via).add(peer); // its timer moves to its home loop
            tickedBy(channel).remove(peer);
            if (peer.isClosed()) { // forgotten meanwhile
                tickedBy(via).remove(peer);
            }
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

    /** The timer of socket {@code c}'s loop: its peers' (and, on the first, those not nominated yet). */
    private void tick(Channel c) {
        long now = System.nanoTime();
        if (c == channel) {
            issued.values().removeIf(i -> now - i.at() > ISSUED_TTL_NANOS);
            if (++ticks % (5_000 / TICK_MILLIS) == 0) {
                submit(this::readSocketDrops); // reading /proc is file I/O: not on an event loop
            }
        }
        for (Peer p : tickedBy(c)) {
            try {
                p.tick(now);
            } catch (RuntimeException e) {
                LOG.warn("peer {}: timer failed: {}", p.id(), e.toString());
            }
        }
    }
}
