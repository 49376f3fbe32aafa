package dev.amphi.ingest.webrtc.transport;

import dev.amphi.ingest.webrtc.codec.H264Packetizer;
import dev.amphi.ingest.webrtc.codec.OpusPacketizer;
import dev.amphi.ingest.webrtc.dtls.DtlsAssociation;
import dev.amphi.ingest.webrtc.dtls.DtlsCertificate;
import dev.amphi.ingest.webrtc.dtls.DtlsEndpoint;
import dev.amphi.ingest.webrtc.dtls.DtlsHandshakeException;
import dev.amphi.ingest.webrtc.dtls.SrtpProfile;
import dev.amphi.ingest.webrtc.dtls.SrtpSession;
import dev.amphi.ingest.webrtc.rtp.Bye;
import dev.amphi.ingest.webrtc.rtp.ReceiverReport;
import dev.amphi.ingest.webrtc.rtp.Rtcp;
import dev.amphi.ingest.webrtc.rtp.RtcpPacket;
import dev.amphi.ingest.webrtc.sdp.NegotiatedMedia;
import dev.amphi.ingest.webrtc.sdp.NegotiatedSession;
import dev.amphi.ingest.webrtc.sdp.ServerParameters;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.OpusConfig;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A peer's life: waiting for its ICE nomination, the DTLS handshake on a worker, then SRTP with
 * {@link PeerMedia} doing RTP and RTCP; its timeouts; its send side. See {@link PeerSession}.
 */
final class Peer implements PeerSession, OutboundStream.Wire {

    private static final Logger LOG = LoggerFactory.getLogger(Peer.class);

    enum State { WAITING, HANDSHAKING, CONNECTED, CLOSED }

    final WebRtcTransport transport;
    final NegotiatedSession session;
    final ServerParameters local;
    final PeerListener listener;
    final QueueLink link;
    final PeerMedia media;
    private final String id;
    private final DtlsCertificate.Fingerprint remoteFingerprint;
    private final long openedAt = System.nanoTime();
    private final long handshakeTimeoutNanos;
    private final long consentTimeoutNanos;
    private volatile State state = State.WAITING;
    /** What REMB asks for; see {@link #maxReceiveBitrate}. */
    volatile long rembCapBps;
    /** See {@link #receivedVideoShown}; applied by the peer's timer. */
    volatile boolean videoShown = true;
    private volatile long lastConsent = System.nanoTime();
    private volatile InetSocketAddress remote;
    /** The socket (and event loop) this peer lives on: set by its first nomination, then fixed; see WebRtcTransport. */
    private volatile Channel home;
    private volatile DtlsAssociation association;
    private volatile SrtpSession srtp;
    /** The event loop's own SRTP sender (RTCP, RTX), so it never waits for the media threads' {@link #sendLock}. */
    private volatile SrtpSession ioSrtp;
    /** SRTP and SRTCP that came before the handshake completed; event loop only. */
    private final java.util.ArrayDeque<byte[]> early = new java.util.ArrayDeque<>();

    /** Guards the media threads' SRTP protection and the outbound streams' sending side. */
    final Object sendLock = new Object();
    /** Guards the event loop's SRTP sender and the retransmissions (the event loop, and a BYE from whoever closes). */
    final Object ioLock = new Object();
    /** How the event loop sends RTX: protected with {@link #ioSrtp}. */
    final OutboundStream.Wire ioWire = new OutboundStream.Wire() {
        @Override
        public byte[] protectRtp(byte[] plain) {
            return ioSrtp.protectRtp(plain, 0, plain.length);
        }

        @Override
        public void send(List<byte[]> datagrams) {
            Peer.this.send(datagrams);
        }
    };
    final OutboundStream video;
    final OutboundStream audio;
    private final H264Packetizer h264;
    private final OpusPacketizer opus;
    final AtomicLong packetsOut = new AtomicLong();
    final AtomicLong bytesOut = new AtomicLong();

    Peer(WebRtcTransport transport, NegotiatedSession session, ServerParameters local, PeerListener listener,
            SecureRandom random) {
        this.transport = transport;
        this.session = session;
        this.local = local;
        this.listener = listener;
        this.id = local.ice().ufrag();
        this.link = new QueueLink(transport.channel());
        this.handshakeTimeoutNanos = transport.options().handshakeTimeout().toNanos();
        this.consentTimeoutNanos = transport.options().consentTimeout().toNanos();
        this.rembCapBps = transport.options().rembCapBps();
        this.remoteFingerprint = session.remoteFingerprints().stream()
                .filter(f -> f.algorithm().equals("sha-256")).findFirst()
                .map(f -> DtlsCertificate.Fingerprint.parse(f.algorithm() + " " + f.value()))
                .orElseThrow(() -> new IllegalArgumentException("the offer has no sha-256 fingerprint"));
        OutboundStream v = null;
        OutboundStream a = null;
        for (NegotiatedMedia m : session.media()) {
            if (!m.direction().sends()) {
                continue;
            }
            String enc = m.codec().encoding();
            if (m.kind() == MediaKind.VIDEO && v == null && enc.equalsIgnoreCase("H264")) {
                boolean rtx = m.rtxPayloadType().isPresent() && local.videoRtxSsrc() != 0;
                v = new OutboundStream((int) local.videoSsrc(), m.codec().payloadType(), m.clockRate(),
                        rtx ? (int) local.videoRtxSsrc() : 0, m.rtxPayloadType().orElse(-1), OutboundStream.VIDEO_CACHE,
                        random);
            } else if (m.kind() == MediaKind.AUDIO && a == null && enc.equalsIgnoreCase("opus")) {
                a = new OutboundStream((int) local.audioSsrc(), m.codec().payloadType(), m.clockRate(), 0, -1,
                        OutboundStream.AUDIO_CACHE, random);
            }
        }
        this.video = v;
        this.audio = a;
        this.h264 = v != null ? new H264Packetizer(1100, random.nextInt(0x8000)) : null;
        this.opus = a != null ? new OpusPacketizer(random.nextInt(0x8000)) : null;
        this.media = new PeerMedia(this);
    }

    @Override
    public String id() {
        return id;
    }

    State state() {
        return state;
    }

    InetSocketAddress remote() {
        return remote;
    }

    SrtpSession srtp() {
        return srtp;
    }

    @Override
    public boolean connected() {
        return state == State.CONNECTED;
    }

    @Override
    public boolean isClosed() {
        return state == State.CLOSED;
    }

    /** Sets the home socket at the first nomination (true); later ones (a new address) keep it. */
    boolean home(Channel via) {
        if (home == null) {
            home = via;
            return true;
        }
        return false;
    }

    /** The socket whose event loop runs this peer: its home, or the port's first before the nomination. */
    Channel loopChannel() {
        Channel h = home;
        return h != null ? h : transport.channel();
    }

    // ---- ICE and DTLS (the peer's event loop unless said otherwise) ----

    void nominated(InetSocketAddress address) {
        remote = address;
        link.remote(address);
        lastConsent = System.nanoTime();
        synchronized (this) {
            if (state != State.WAITING) {
                return;
            }
            state = State.HANDSHAKING;
        }
        if (!transport.submit(this::handshake)) {
            close("no DTLS worker free to handshake", false);
        }
    }

    void consent() {
        lastConsent = System.nanoTime();
    }

    void dtlsRecord(byte[] record) {
        State s = state;
        if (s == State.HANDSHAKING) {
            link.offer(record);
        } else if (s == State.CONNECTED && link.offer(record)) {
            transport.submit(this::pump);
        }
    }

    /** On a DTLS worker: blocks until the handshake completes, fails or times out. */
    private void handshake() {
        long left = handshakeTimeoutNanos - (System.nanoTime() - openedAt);
        Duration timeout = Duration.ofNanos(Math.max(Duration.ofMillis(200).toNanos(), left));
        DtlsEndpoint endpoint = DtlsEndpoint.of(DtlsEndpoint.Role.SERVER, transport.certificate(), remoteFingerprint,
                timeout, List.of(SrtpProfile.values()));
        DtlsAssociation a;
        try {
            a = endpoint.handshake(link);
        } catch (DtlsHandshakeException e) {
            close("DTLS handshake failed (" + e.reason() + "): " + e.getMessage(), false);
            return;
        } catch (RuntimeException e) {
            close("DTLS handshake failed: " + e, false);
            return;
        }
        synchronized (this) {
            if (state != State.HANDSHAKING) {
                a.close();
                return;
            }
            association = a;
            SrtpSession s = a.newSrtpSession();
            ioSrtp = s.withOwnSender();
            srtp = s;
        }
        loopChannel().eventLoop().execute(this::connect);
    }

    /**
     * On the event loop, after the handshake: connected, the listener told, then the SRTP that
     * came while the handshake was finishing (the peer may send as soon as it has our last flight).
     */
    private void connect() {
        synchronized (this) {
            if (state != State.HANDSHAKING) {
                early.clear();
                return;
            }
            state = State.CONNECTED;
        }
        LOG.debug("peer {} connected from {} ({})", id, remote, association.profile());
        try {
            listener.connected(this);
        } catch (RuntimeException e) {
            LOG.warn("peer {}: the listener failed on connect: {}", id, e.toString());
        }
        long now = System.nanoTime();
        byte[] d;
        while ((d = early.poll()) != null) {
            transport.route(this, d, now);
        }
    }

    /** On the event loop: SRTP or SRTCP before the handshake completed, kept (at most 256) until it does. */
    void early(byte[] datagram) {
        if (state == State.HANDSHAKING && early.size() < 256) {
            early.add(datagram);
        } else {
            media.drop();
        }
    }

    /** On a DTLS worker: answers a DTLS record after the handshake (a retransmitted flight, close_notify). */
    private void pump() {
        DtlsAssociation a = association;
        if (a == null) {
            return;
        }
        boolean open;
        synchronized (a) {
            open = a.pump(5);
        }
        if (!open) {
            close("the peer closed DTLS", false);
        }
    }

    /** The timer, on the event loop: timeouts, then the media's reports and retries. */
    void tick(long now) {
        State s = state;
        if (s == State.CLOSED) {
            return;
        }
        if (s != State.CONNECTED && now - openedAt > handshakeTimeoutNanos) {
            close("ICE and DTLS did not complete within " + transport.options().handshakeTimeout().toMillis() + " ms",
                    false);
        } else if (s == State.CONNECTED && now - lastConsent > consentTimeoutNanos) {
            close("consent lost: no STUN check for " + transport.options().consentTimeout().toMillis() + " ms", true);
        } else if (s == State.CONNECTED) {
            media.tick(now);
        }
    }

    // ---- sending ----

    @Override
    public byte[] protectRtp(byte[] plain) {
        return srtp.protectRtp(plain, 0, plain.length);
    }

    @Override
    public void send(List<byte[]> datagrams) {
        long bytes = 0;
        for (byte[] d : datagrams) {
            bytes += d.length;
        }
        packetsOut.addAndGet(datagrams.size());
        bytesOut.addAndGet(bytes);
        transport.write(loopChannel(), datagrams, remote);
    }

    /** Protects (with the event loop's own sender) and sends one RTCP compound packet; false when not connected. */
    boolean sendRtcp(byte[] compound) {
        SrtpSession s = ioSrtp;
        InetSocketAddress to = remote;
        if (s == null || to == null || state == State.CLOSED) {
            return false;
        }
        byte[] out;
        synchronized (ioLock) {
            out = s.protectRtcp(compound, 0, compound.length);
        }
        transport.write(loopChannel(), out, to);
        return true;
    }

    @Override
    public boolean sendVideo(MediaPacket packet) {
        if (video == null || packet.kind() != MediaKind.VIDEO || !(packet.config() instanceof AvcConfig)) {
            return false;
        }
        synchronized (sendLock) {
            if (state != State.CONNECTED) {
                return false;
            }
            video.send(h264.number(packet.pts() & 0xffffffffL, transport.videoPayloads(packet, h264)), this,
                    System.nanoTime());
        }
        return true;
    }

    @Override
    public boolean sendAudio(MediaPacket packet) {
        if (audio == null || packet.kind() != MediaKind.AUDIO || !(packet.config() instanceof OpusConfig)
                || packet.data().length == 0) {
            return false;
        }
        long ts = Math.floorMod(packet.dts() * OpusConfig.SAMPLE_RATE / MediaPacket.TIMESCALE, 1L << 32);
        synchronized (sendLock) {
            if (state != State.CONNECTED) {
                return false;
            }
            audio.send(List.of(opus.packetize(ts, packet.data())), this, System.nanoTime());
        }
        return true;
    }

    @Override
    public void maxReceiveBitrate(long bitsPerSecond) {
        if (bitsPerSecond < 0 || bitsPerSecond > 1_000_000_000L) {
            throw new IllegalArgumentException("bitsPerSecond must be 0..1e9, was " + bitsPerSecond);
        }
        rembCapBps = bitsPerSecond;
    }

    @Override
    public void receivedVideoShown(boolean shown) {
        videoShown = shown;
    }

    @Override
    public void requestKeyframe() {
        loopChannel().eventLoop().execute(() -> media.requestKeyframe(System.nanoTime()));
    }

    @Override
    public PeerStats stats() {
        return media.stats();
    }

    void keyframeRequested() {
        try {
            listener.keyframeRequested(this);
        } catch (RuntimeException e) {
            LOG.warn("peer {}: the listener failed on a keyframe request: {}", id, e.toString());
        }
    }

    void deliver(String mid, MediaKind kind, MediaPacket packet, OptionalInt level) {
        try {
            listener.media(this, mid, kind, packet, level);
        } catch (RuntimeException e) {
            LOG.warn("peer {}: the listener failed on media: {}", id, e.toString());
        }
    }

    // ---- closing ----

    @Override
    public void close() {
        close("closed by the server", true);
    }

    /**
     * Closes once: forgets the peer's ufrag and address, tells the peer (RTCP BYE, then DTLS
     * close_notify on a worker) when {@code tellPeer} and connected, and tells the listener.
     */
    void close(String reason, boolean tellPeer) {
        boolean wasConnected;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            wasConnected = state == State.CONNECTED;
            if (wasConnected && tellPeer) {
                sendBye();
            }
            state = State.CLOSED;
        }
        transport.forget(this);
        DtlsAssociation a = association;
        if (a != null && wasConnected && tellPeer) {
            Runnable notify = () -> {
                synchronized (a) {
                    a.close();
                }
                link.close();
            };
            if (!transport.submit(notify)) {
                link.close();
            }
        } else {
            link.close();
        }
        LOG.debug("peer {} closed: {}", id, reason);
        try {
            listener.closed(this, reason);
        } catch (RuntimeException e) {
            LOG.warn("peer {}: the listener failed on close: {}", id, e.toString());
        }
    }

    private void sendBye() {
        try {
            List<Integer> ssrcs = video != null && audio != null ? List.of(audio.ssrc, video.ssrc)
                    : List.of(video != null ? video.ssrc : (int) local.audioSsrc());
            // an empty RR leads (a compound starts with a report); the streams' state belongs to the event loop
            sendRtcp(Rtcp.write(List.<RtcpPacket>of(new ReceiverReport((int) local.audioSsrc(), List.of()),
                    new Bye(ssrcs, "leaving"))));
        } catch (RuntimeException e) {
            LOG.debug("peer {}: no BYE sent: {}", id, e.toString());
        }
    }

    @Override
    public String toString() {
        return "Peer[" + id + " " + state + " " + remote + "]";
    }
}
