package dev.amphi.ingest.webrtc.transport;

import dev.amphi.ingest.webrtc.codec.Depacketizer;
import dev.amphi.ingest.webrtc.codec.DepacketizerOutput;
import dev.amphi.ingest.webrtc.codec.H264Packetizer;
import dev.amphi.ingest.webrtc.codec.OpusPacketizer;
import dev.amphi.ingest.webrtc.codec.RtpPayload;
import dev.amphi.ingest.webrtc.dtls.DatagramLink;
import dev.amphi.ingest.webrtc.dtls.DtlsAssociation;
import dev.amphi.ingest.webrtc.dtls.DtlsCertificate;
import dev.amphi.ingest.webrtc.dtls.DtlsEndpoint;
import dev.amphi.ingest.webrtc.dtls.SrtpSession;
import dev.amphi.ingest.webrtc.ice.Demultiplexer;
import dev.amphi.ingest.webrtc.ice.StunAttribute;
import dev.amphi.ingest.webrtc.ice.StunMessage;
import dev.amphi.ingest.webrtc.rtp.AudioLevel;
import dev.amphi.ingest.webrtc.rtp.GenericNack;
import dev.amphi.ingest.webrtc.rtp.PictureLossIndication;
import dev.amphi.ingest.webrtc.rtp.ReceiverReport;
import dev.amphi.ingest.webrtc.rtp.ReportBlock;
import dev.amphi.ingest.webrtc.rtp.SenderReport;
import dev.amphi.ingest.webrtc.rtp.Rtcp;
import dev.amphi.ingest.webrtc.rtp.RtcpPacket;
import dev.amphi.ingest.webrtc.rtp.RtpHeaderExtension;
import dev.amphi.ingest.webrtc.rtp.RtpPacket;
import dev.amphi.ingest.webrtc.sdp.IceCredentials;
import dev.amphi.ingest.webrtc.sdp.ServerParameters;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.OpusConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small WebRTC client made of Amphi's own pieces, over a real UDP socket: it writes an offer
 * (Opus with the audio-level and mid extensions, H.264 with RTX, NACK, PLI, FIR, REMB), nominates
 * the server with a STUN check (USE-CANDIDATE, MESSAGE-INTEGRITY), runs the DTLS client handshake,
 * then sends H.264 and Opus as SRTP, answers NACKs from its send cache through RTX, and keeps
 * what the server sends back (RTCP, depacketized video and audio). A keep-alive check goes out
 * every second (consent). For tests and the load bench only (the server never uses it): a client
 * made with {@link #TestWebRtcClient()} has its own reader thread, clients made with
 * {@link #TestWebRtcClient(TestClientLoop)} share the loop's one thread, so hundreds of them cost
 * one thread. The DTLS handshake blocks the thread that calls {@link #connect}.
 */
public final class TestWebRtcClient implements AutoCloseable {

    public static final int AUDIO_SSRC = 0x11111111;
    public static final int VIDEO_SSRC = 0x22222222;
    public static final int VIDEO_RTX_SSRC = 0x33333333;
    public static final int OPUS_PT = 111;
    public static final int H264_PT = 96;
    public static final int RTX_PT = 97;
    static final int AUDIO_LEVEL_ID = 1;
    static final int MID_ID = 4;
    static final int TRANSPORT_CC_ID = 3;
    static final String TRANSPORT_CC_URI = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    static final String UFRAG = "clnt";
    static final String PWD = "clientPassword0123456789ab";

    private static final int CACHE = 1024;

    private final DatagramChannel channel;
    private final TestClientLoop loop;
    private final boolean ownLoop;
    private final DtlsCertificate certificate = DtlsCertificate.generate();
    private final BlockingQueue<byte[]> dtlsIn = new LinkedBlockingQueue<>();
    private final BlockingQueue<StunMessage> stunIn = new LinkedBlockingQueue<>();
    private final H264Packetizer h264 = new H264Packetizer(1100, 1000);
    private final OpusPacketizer opus = new OpusPacketizer(500);
    private final byte[][] videoCache = new byte[CACHE][];
    private final int[] videoCacheSeq = new int[CACHE];
    private final AtomicInteger videoSent = new AtomicInteger();
    private final AtomicInteger transportSeq = new AtomicInteger(65530);
    private final Object sendLock = new Object();
    private volatile InetSocketAddress server;
    private volatile ServerParameters serverParameters;
    private volatile DtlsAssociation association;
    private volatile SrtpSession srtp;
    private volatile boolean running = true;
    private volatile boolean decodeMedia = true;
    private volatile boolean keepRtcp = true;
    private volatile boolean keepAlive = true;
    private volatile long keepAliveNanos = 1_000_000_000L;
    private volatile long lastCheck;
    private int rtxSeq = 7000;
    private volatile int videoSeqShift;
    private volatile int lastVideoSeq;
    private volatile long lastVideoTs;
    private Depacketizer videoOut;
    private Depacketizer audioOut;

    /** Indexes (0-based, counted over all video RTP packets sent) of packets not sent the first time. */
    public final Set<Integer> dropVideo = ConcurrentHashMap.newKeySet();
    public final List<RtcpPacket> rtcpReceived = new CopyOnWriteArrayList<>();
    public final List<MediaPacket> videoReceived = new CopyOnWriteArrayList<>();
    public final List<MediaPacket> audioReceived = new CopyOnWriteArrayList<>();
    public final AtomicInteger retransmitted = new AtomicInteger();
    /** Sequence numbers of the server's video packets, in arrival order. */
    public final List<Integer> videoSeqsReceived = new CopyOnWriteArrayList<>();
    /** Original sequence numbers the server's RTX packets carried. */
    public final List<Integer> rtxReceived = new CopyOnWriteArrayList<>();
    public volatile boolean dtlsClosed;
    /** RTP packets and bytes that came from the server (counted also when they are not decoded). */
    public final AtomicLong rtpPackets = new AtomicLong();
    public final AtomicLong rtpBytes = new AtomicLong();
    /** RTCP packets the server sent (counted also when they are not kept), NACKs among them. */
    public final AtomicLong rtcpPackets = new AtomicLong();
    public final AtomicLong nacksReceived = new AtomicLong();
    /** Keyframe requests (PLI) the server sent for this client's video. */
    public final AtomicLong plisReceived = new AtomicLong();
    /** Datagrams the socket had no room for (a non-blocking send that sent nothing). */
    public final AtomicLong sendDropped = new AtomicLong();

    /** A client with its own reader thread. */
    public TestWebRtcClient() throws IOException {
        this(new TestClientLoop("test-webrtc-client"), true);
    }

    /** A client read by {@code loop}'s thread (which the caller closes after the clients). */
    public TestWebRtcClient(TestClientLoop loop) throws IOException {
        this(loop, false);
    }

    private TestWebRtcClient(TestClientLoop loop, boolean ownLoop) throws IOException {
        this.loop = loop;
        this.ownLoop = ownLoop;
        channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        channel.configureBlocking(false);
        loop.register(this);
    }

    DatagramChannel channel() {
        return channel;
    }

    /**
     * A lighter client for a load bench: what the server sends back is only counted
     * ({@link #rtpPackets}), not decrypted or depacketized, and RTCP is answered (NACK, SR) but not kept.
     */
    public TestWebRtcClient light() {
        decodeMedia = false;
        keepRtcp = false;
        return this;
    }

    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** An offer with one audio and one video section in {@code direction} (sendrecv, sendonly, recvonly). */
    public String offer(String direction) {
        return offer(direction, true);
    }

    /** As {@link #offer(String)}; {@code signalSsrcs} false leaves out the a=ssrc lines (the mid extension then tells the streams apart). */
    public String offer(String direction, boolean signalSsrcs) {
        String common = "c=IN IP4 0.0.0.0\r\na=ice-ufrag:" + UFRAG + "\r\na=ice-pwd:" + PWD + "\r\n"
                + "a=fingerprint:" + certificate.fingerprint().toSdp() + "\r\na=setup:actpass\r\n"
                + "a=" + direction + "\r\na=rtcp-mux\r\n";
        boolean sends = signalSsrcs && !direction.equals("recvonly");
        return "v=0\r\no=- 42 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" + common + "a=mid:0\r\n"
                + "a=extmap:" + AUDIO_LEVEL_ID + " urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
                + "a=extmap:" + MID_ID + " urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
                + "a=extmap:" + TRANSPORT_CC_ID + " " + TRANSPORT_CC_URI + "\r\n"
                + "a=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
                + (sends ? "a=ssrc:" + (AUDIO_SSRC & 0xffffffffL) + " cname:test\r\n" : "")
                + "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n" + common + "a=mid:1\r\n"
                + "a=extmap:" + MID_ID + " urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
                + "a=extmap:" + TRANSPORT_CC_ID + " " + TRANSPORT_CC_URI + "\r\n"
                + "a=rtpmap:96 H264/90000\r\na=rtcp-fb:96 goog-remb\r\na=rtcp-fb:96 transport-cc\r\na=rtcp-fb:96 nack\r\n"
                + "a=rtcp-fb:96 nack pli\r\na=rtcp-fb:96 ccm fir\r\n"
                + "a=fmtp:96 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
                + "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"
                + (sends ? "a=ssrc-group:FID " + (VIDEO_SSRC & 0xffffffffL) + " " + (VIDEO_RTX_SSRC & 0xffffffffL) + "\r\n"
                        + "a=ssrc:" + (VIDEO_SSRC & 0xffffffffL) + " cname:test\r\n"
                        + "a=ssrc:" + (VIDEO_RTX_SSRC & 0xffffffffL) + " cname:test\r\n" : "");
    }

    /** A STUN Binding request for the server's ufrag, signed with {@code password}. */
    public byte[] check(String serverUfrag, String password, boolean useCandidate) {
        List<StunAttribute> attrs = new ArrayList<>(List.of(StunAttribute.username(serverUfrag + ":" + UFRAG),
                StunAttribute.iceControlling(0x0102030405060708L), StunAttribute.priority(0x6e0001ffL)));
        if (useCandidate) {
            attrs.add(StunAttribute.useCandidate());
        }
        byte[] txid = new byte[StunMessage.TRANSACTION_ID_BYTES];
        new SecureRandom().nextBytes(txid);
        return StunMessage.write(StunMessage.BINDING_REQUEST, txid, attrs, password.getBytes(StandardCharsets.UTF_8), true);
    }

    /** Nominates the server with a STUN check (resent every 500 ms, up to 5 s) and waits for its answer; returns the answer. */
    public StunMessage nominate(ServerParameters params, InetSocketAddress serverAddress) throws IOException, InterruptedException {
        this.server = serverAddress;
        this.serverParameters = params;
        StunMessage reply = null;
        // resent every 500 ms, as a browser's checks are: one lost datagram is no failure
        for (int i = 0; i < 10 && reply == null; i++) {
            sendRaw(check(params.ice().ufrag(), params.ice().pwd(), true));
            lastCheck = System.nanoTime();
            reply = stunIn.poll(500, TimeUnit.MILLISECONDS);
        }
        if (reply == null) {
            throw new IOException("no STUN answer from " + serverAddress);
        }
        return reply;
    }

    /**
     * Connects with what a WHIP answer (the server's SDP) says: its ICE credentials, fingerprint,
     * first host candidate and the SSRCs it sends from.
     */
    public void connect(String answerSdp) throws Exception {
        Answer a = Answer.parse(answerSdp);
        connect(a.parameters(), a.address());
    }

    /** Nominates, then runs the DTLS client handshake (blocking) and sets up SRTP. */
    public void connect(ServerParameters params, InetSocketAddress serverAddress) throws Exception {
        StunMessage reply = nominate(params, serverAddress);
        if (reply.type() != StunMessage.BINDING_SUCCESS) {
            throw new IOException("STUN check refused: " + reply);
        }
        handshake();
    }

    /** The DTLS client handshake towards the server of {@link #nominate}. */
    public void handshake() throws Exception {
        DtlsEndpoint endpoint = DtlsEndpoint.client(certificate,
                DtlsCertificate.Fingerprint.parse("sha-256 " + serverParameters.fingerprintSha256()));
        DtlsAssociation a = endpoint.handshake(new DatagramLink() {
            @Override
            public void send(byte[] buffer, int offset, int length) throws IOException {
                channel.send(ByteBuffer.wrap(buffer, offset, length), server);
            }

            @Override
            public int receive(byte[] buffer, int offset, int length, int timeoutMillis) throws IOException {
                byte[] d;
                try {
                    d = dtlsIn.poll(Math.max(1, timeoutMillis), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException();
                }
                if (d == null) {
                    return -1;
                }
                int n = Math.min(length, d.length);
                System.arraycopy(d, 0, buffer, offset, n);
                return n;
            }
        });
        videoOut = Depacketizer.h264(collect(videoReceived));
        audioOut = Depacketizer.opus(2, collect(audioReceived));
        srtp = a.newSrtpSession();
        association = a;
    }

    private static DepacketizerOutput collect(List<MediaPacket> into) {
        return into::add;
    }

    public void keepAlive(boolean on) {
        keepAlive = on;
    }

    /** Sends the keep-alive checks this often (1 s unless set). */
    public void keepAliveEvery(java.time.Duration interval) {
        keepAliveNanos = interval.toNanos();
    }

    public void sendRaw(byte[] datagram) throws IOException {
        if (channel.send(ByteBuffer.wrap(datagram), server) == 0) {
            sendDropped.incrementAndGet();
        }
    }

    /** Video packets sent so far (or dropped by {@link #dropVideo}, which counts them the same way). */
    public int videoPacketsSent() {
        return videoSent.get();
    }

    /** Sends an H.264 access unit (AVCC) at its pts; the packets listed in {@link #dropVideo} are only cached. */
    public void sendVideo(MediaPacket packet) throws IOException {
        for (RtpPayload p : h264.packetize(packet)) {
            int seq = (p.sequenceNumber() + videoSeqShift) & 0xffff;
            lastVideoSeq = seq;
            lastVideoTs = p.timestamp();
            RtpPacket rtp = RtpPacket.of(p.marker(), H264_PT, seq, p.timestamp(), VIDEO_SSRC, p.payload())
                    .withExtension(RtpHeaderExtension.of(List.of(
                            new RtpHeaderExtension.Element(MID_ID, "1".getBytes(StandardCharsets.US_ASCII)),
                            transportSequence())));
            byte[] plain = rtp.write();
            byte[] wire = protect(plain);
            synchronized (videoCache) {
                videoCache[seq % CACHE] = plain;
                videoCacheSeq[seq % CACHE] = seq;
            }
            if (!dropVideo.contains(videoSent.getAndIncrement())) {
                sendRaw(wire);
            }
        }
    }

    /** Sends a padding-only packet on the video SSRC (a bandwidth probe, as without RTX), next in sequence. */
    public void sendVideoPadding() throws IOException {
        int seq = (lastVideoSeq + 1) & 0xffff;
        videoSeqShift++;
        lastVideoSeq = seq;
        RtpPacket rtp = new RtpPacket(false, H264_PT, seq, lastVideoTs, VIDEO_SSRC, new int[0],
                RtpHeaderExtension.of(List.of(transportSequence())), new byte[0], 224);
        sendRaw(protect(rtp.write()));
    }

    /** Sends one Opus packet at its dts with the audio level extension ({@code level} -dBov, -1 for none). */
    public void sendAudio(MediaPacket packet, int level) throws IOException {
        RtpPayload p = opus.packetize(packet.dts() * OpusConfig.SAMPLE_RATE / MediaPacket.TIMESCALE, packet.data());
        List<RtpHeaderExtension.Element> ext = new ArrayList<>();
        ext.add(new RtpHeaderExtension.Element(MID_ID, "0".getBytes(StandardCharsets.US_ASCII)));
        ext.add(transportSequence());
        if (level >= 0) {
            ext.add(new RtpHeaderExtension.Element(AUDIO_LEVEL_ID, new AudioLevel(true, level).toBytes()));
        }
        RtpPacket rtp = RtpPacket.of(false, OPUS_PT, p.sequenceNumber(), p.timestamp(), AUDIO_SSRC, p.payload())
                .withExtension(RtpHeaderExtension.of(ext));
        sendRaw(protect(rtp.write()));
    }

    private RtpHeaderExtension.Element transportSequence() {
        int seq = transportSeq.getAndIncrement() & 0xffff;
        return new RtpHeaderExtension.Element(TRANSPORT_CC_ID, new byte[] {(byte) (seq >>> 8), (byte) seq});
    }

    /** Asks the server for a keyframe of the video it sends (PLI on its video SSRC). */
    public void sendPli() throws IOException {
        sendRtcp(List.of(new ReceiverReport(AUDIO_SSRC, List.of()),
                new PictureLossIndication(AUDIO_SSRC, (int) serverParameters.videoSsrc())));
    }

    public void sendRtcp(List<? extends RtcpPacket> compound) throws IOException {
        sendRtcp(Rtcp.write(compound));
    }

    /** Protects and sends a compound RTCP packet given as bytes (for packet types {@link Rtcp} does not write). */
    public void sendRtcp(byte[] plain) throws IOException {
        byte[] wire;
        synchronized (sendLock) {
            wire = srtp.protectRtcp(plain, 0, plain.length);
        }
        sendRaw(wire);
    }

    private byte[] protect(byte[] plain) {
        synchronized (sendLock) {
            return srtp.protectRtp(plain, 0, plain.length);
        }
    }

    public <T extends RtcpPacket> List<T> received(Class<T> type) {
        return rtcpReceived.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Called by the loop every ~50 ms: the keep-alive check when one is due. */
    void tick(long now) {
        if (running && keepAlive && server != null && now - lastCheck > keepAliveNanos) {
            lastCheck = now;
            try {
                sendRaw(check(serverParameters.ice().ufrag(), serverParameters.ice().pwd(), false));
            } catch (IOException | RuntimeException e) {
                // the next tick tries again
            }
        }
    }

    /** One datagram from the socket, on the loop's thread. */
    void received(byte[] d) {
        try {
            switch (Demultiplexer.classify(d)) {
                case STUN -> stunIn.offer(StunMessage.parse(d));
                case DTLS -> {
                    dtlsIn.offer(d);
                    DtlsAssociation a = association;
                    if (a != null && !a.pump(1)) {
                        dtlsClosed = true;
                    }
                }
                case RTP -> rtp(d);
                case RTCP -> rtcp(d);
                default -> {
                }
            }
        } catch (IOException | RuntimeException e) {
            // a datagram this client cannot read is left, as a browser would
        }
    }

    private void rtp(byte[] d) {
        rtpPackets.incrementAndGet();
        rtpBytes.addAndGet(d.length);
        if (!decodeMedia) {
            return;
        }
        SrtpSession s = srtp;
        byte[] plain = s == null ? null : s.unprotectRtp(d, 0, d.length);
        if (plain == null) {
            return;
        }
        RtpPacket p = RtpPacket.parse(plain);
        ServerParameters sp = serverParameters;
        if ((p.ssrc() & 0xffffffffL) == sp.videoRtxSsrc() && p.payload().length >= 2) {
            rtxReceived.add(((p.payload()[0] & 0xff) << 8) | (p.payload()[1] & 0xff));
        } else if ((p.ssrc() & 0xffffffffL) == sp.videoSsrc()) {
            videoSeqsReceived.add(p.sequenceNumber());
            videoOut.push(new RtpPayload(p.sequenceNumber(), p.timestamp(), p.marker(), p.payload()));
        } else if ((p.ssrc() & 0xffffffffL) == sp.audioSsrc()) {
            audioOut.push(new RtpPayload(p.sequenceNumber(), p.timestamp(), p.marker(), p.payload()));
        }
    }

    private void rtcp(byte[] d) throws IOException {
        SrtpSession s = srtp;
        byte[] plain = s == null ? null : s.unprotectRtcp(d, 0, d.length);
        if (plain == null) {
            return;
        }
        List<RtcpPacket> packets = Rtcp.parse(plain);
        rtcpPackets.addAndGet(packets.size());
        if (keepRtcp) {
            rtcpReceived.addAll(packets);
        }
        for (RtcpPacket x : packets) {
            if (x instanceof SenderReport sr) {
                sendRtcp(List.of(new ReceiverReport(AUDIO_SSRC, List.of(
                        new ReportBlock(sr.ssrc(), 0, 0, 0, 0, sr.compactNtp(), 0)))));
            }
            if (x instanceof PictureLossIndication pli && pli.mediaSsrc() == VIDEO_SSRC) {
                plisReceived.incrementAndGet();
            }
            if (x instanceof GenericNack nack && nack.mediaSsrc() == VIDEO_SSRC) {
                nacksReceived.incrementAndGet();
                for (int seq : nack.lost()) {
                    byte[] original;
                    synchronized (videoCache) {
                        original = videoCacheSeq[seq % CACHE] == seq ? videoCache[seq % CACHE] : null;
                    }
                    if (original != null) {
                        RtpPacket o = RtpPacket.parse(original);
                        byte[] payload = new byte[o.payload().length + 2];
                        payload[0] = (byte) (seq >>> 8);
                        payload[1] = (byte) seq;
                        System.arraycopy(o.payload(), 0, payload, 2, o.payload().length);
                        int rseq;
                        synchronized (sendLock) {
                            rseq = rtxSeq++ & 0xffff;
                        }
                        sendRaw(protect(RtpPacket.of(o.marker(), RTX_PT, rseq, o.timestamp(), VIDEO_RTX_SSRC, payload).write()));
                        retransmitted.incrementAndGet();
                    }
                }
            }
        }
    }

    /** Sends DTLS close_notify (as a browser closing its connection does) and stops. */
    @Override
    public void close() {
        DtlsAssociation a = association;
        if (a != null) {
            a.close();
        }
        running = false;
        loop.unregister(this);
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
        if (ownLoop) {
            loop.close();
        }
    }

    /** What a client needs from the server's SDP answer. */
    public record Answer(ServerParameters parameters, InetSocketAddress address) {

        /** Reads the ICE credentials, fingerprint, first host candidate and the server's SSRCs. */
        public static Answer parse(String sdp) {
            String ufrag = null;
            String pwd = null;
            String fingerprint = null;
            String host = null;
            int port = 0;
            String kind = "";
            List<Long> audio = new ArrayList<>();
            List<Long> video = new ArrayList<>();
            for (String line : sdp.split("\r?\n")) {
                if (line.startsWith("m=")) {
                    kind = line.substring(2, line.indexOf(' '));
                } else if (line.startsWith("a=ice-ufrag:")) {
                    ufrag = line.substring(12);
                } else if (line.startsWith("a=ice-pwd:")) {
                    pwd = line.substring(10);
                } else if (line.startsWith("a=fingerprint:sha-256 ")) {
                    fingerprint = line.substring(22).strip();
                } else if (line.startsWith("a=candidate:") && host == null) {
                    String[] f = line.split(" ");
                    host = f[4];
                    port = Integer.parseInt(f[5]);
                } else if (line.startsWith("a=ssrc:")) {
                    long ssrc = Long.parseLong(line.substring(7, line.indexOf(' ')));
                    List<Long> into = kind.equals("audio") ? audio : video;
                    if (!into.contains(ssrc)) {
                        into.add(ssrc);
                    }
                }
            }
            if (ufrag == null || pwd == null || fingerprint == null || host == null) {
                throw new IllegalArgumentException("answer lacks ICE credentials, fingerprint or candidate:\n" + sdp);
            }
            ServerParameters p = new ServerParameters(new IceCredentials(ufrag, pwd), fingerprint, port, List.of(host), 1,
                    "test", "test", audio.isEmpty() ? 1 : audio.get(0), video.isEmpty() ? 2 : video.get(0),
                    video.size() > 1 ? video.get(1) : 3);
            return new Answer(p, new InetSocketAddress(host, port));
        }
    }
}
