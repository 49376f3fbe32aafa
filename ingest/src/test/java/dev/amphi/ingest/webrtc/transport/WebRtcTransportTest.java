package dev.amphi.ingest.webrtc.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.amphi.ingest.webrtc.rtp.Bye;
import dev.amphi.ingest.webrtc.rtp.GenericNack;
import dev.amphi.ingest.webrtc.rtp.PictureLossIndication;
import dev.amphi.ingest.webrtc.rtp.ReceiverReport;
import dev.amphi.ingest.webrtc.rtp.Remb;
import dev.amphi.ingest.webrtc.rtp.SenderReport;
import dev.amphi.ingest.webrtc.rtp.TransportCcFeedback;
import dev.amphi.ingest.webrtc.sdp.Answer;
import dev.amphi.ingest.webrtc.sdp.Sdp;
import dev.amphi.ingest.webrtc.sdp.ServerParameters;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.NalUnits;
import dev.amphi.media.OpusConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The transport against {@link TestWebRtcClient} over loopback UDP: ICE-lite, DTLS, SRTP, media
 * both ways, NACK/RTX, PLI, reports, bad input, timeouts and closing.
 */
class WebRtcTransportTest {

    static final byte[] SPS = HexFormat.of().parseHex("6742c01fd9");
    static final byte[] PPS = HexFormat.of().parseHex("68ce3c80");
    static final AvcConfig AVC = AvcConfig.of(List.of(SPS), List.of(PPS));

    final List<AutoCloseable> closeMe = new ArrayList<>();
    WebRtcTransport transport;
    RecordingListener listener = new RecordingListener();
    TestWebRtcClient client;
    ServerParameters local;
    PeerSession peer;

    @AfterEach
    void close() throws Exception {
        for (int i = closeMe.size() - 1; i >= 0; i--) {
            closeMe.get(i).close();
        }
    }

    void start(TransportOptions options) {
        transport = WebRtcTransport.start(options);
        closeMe.add(transport);
    }

    InetSocketAddress server() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), transport.port());
    }

    /** Offers, answers, opens; does not connect. */
    void open(String direction) throws Exception {
        client = new TestWebRtcClient();
        closeMe.add(client);
        local = transport.serverParameters();
        Answer answer = Sdp.answer(Sdp.parse(client.offer(direction)), local);
        peer = transport.open(answer.negotiated(), listener);
    }

    void connect(String direction) throws Exception {
        start(TransportOptions.loopback());
        open(direction);
        client.connect(local, server());
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.connected.get() == 1 && peer.connected());
    }

    /** A keyframe (SPS, PPS, an IDR slice cut into FU-As) then delta frames of various sizes. */
    static List<MediaPacket> frames(int count, long seed) {
        Random rnd = new Random(seed);
        List<MediaPacket> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean key = i == 0;
            byte[] slice = new byte[key ? 6000 : 200 + rnd.nextInt(3000)];
            rnd.nextBytes(slice);
            slice[0] = (byte) (key ? 0x65 : 0x41);
            List<byte[]> nals = key ? List.of(SPS, PPS, slice) : List.of(slice);
            out.add(new MediaPacket(MediaKind.VIDEO, AVC, 3000L * i, 0, key, NalUnits.toAvcc(nals)));
        }
        return out;
    }

    static List<MediaPacket> opusPackets(int count) {
        List<MediaPacket> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[40 + i];
            new Random(i).nextBytes(data);
            out.add(new MediaPacket(MediaKind.AUDIO, new OpusConfig(2), 1800L * i, 0, true, data));
        }
        return out;
    }

    @Test
    void videoAndAudioArriveAsTheMediaPacketsSent() throws Exception {
        connect("sendrecv");
        List<MediaPacket> video = frames(20, 1);
        List<MediaPacket> audio = opusPackets(20);
        for (int i = 0; i < 20; i++) {
            client.sendVideo(video.get(i));
            client.sendAudio(audio.get(i), i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.packets(MediaKind.VIDEO).size() == 20
                && listener.packets(MediaKind.AUDIO).size() == 20);
        assertThat(listener.packets(MediaKind.VIDEO)).containsExactlyElementsOf(video);
        assertThat(listener.packets(MediaKind.AUDIO)).containsExactlyElementsOf(audio);
        List<RecordingListener.Media> sound = listener.media.stream().filter(m -> m.kind() == MediaKind.AUDIO).toList();
        assertThat(sound).extracting(RecordingListener.Media::mid).containsOnly("0");
        assertThat(sound.get(7).level()).isEqualTo(OptionalInt.of(7));
        assertThat(listener.media.stream().filter(m -> m.kind() == MediaKind.VIDEO)).extracting(RecordingListener.Media::mid)
                .containsOnly("1");
        PeerStats stats = peer.stats();
        assertThat(stats.packetsIn()).isGreaterThan(40);
        assertThat(stats.lost()).isZero();
        assertThat(stats.dropped()).isZero();
    }

    @Test
    void aLostPacketIsNackedAndItsRetransmissionFillsTheGap() throws Exception {
        connect("sendrecv");
        List<MediaPacket> video = frames(10, 2);
        client.dropVideo.add(3); // inside the keyframe's FU-As
        client.dropVideo.add(12);
        for (MediaPacket p : video) {
            client.sendVideo(p);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.packets(MediaKind.VIDEO).size() == 10);
        assertThat(listener.packets(MediaKind.VIDEO)).containsExactlyElementsOf(video);
        assertThat(client.received(GenericNack.class)).isNotEmpty()
                .allSatisfy(n -> assertThat(n.mediaSsrc()).isEqualTo(TestWebRtcClient.VIDEO_SSRC));
        assertThat(client.retransmitted.get()).isGreaterThanOrEqualTo(2);
        assertThat(peer.stats().nacksSent()).isGreaterThanOrEqualTo(1);
        assertThat(peer.stats().retransmitsReceived()).isEqualTo(2);
    }

    @Test
    void paddingOnTheMediaSsrcIsNeitherMediaNorALoss() throws Exception {
        connect("sendrecv");
        List<MediaPacket> video = frames(6, 10);
        for (int i = 0; i < 6; i++) {
            client.sendVideo(video.get(i));
            if (i == 1 || i == 3) {
                client.sendVideoPadding();
                client.sendVideoPadding();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.packets(MediaKind.VIDEO).size() == 6);
        assertThat(listener.packets(MediaKind.VIDEO)).containsExactlyElementsOf(video);
        assertThat(client.received(PictureLossIndication.class)).isEmpty();
        assertThat(client.received(GenericNack.class)).isEmpty();
    }

    @Test
    void severalPeersShareThePortAndKeepTheirMediaApart() throws Exception {
        start(TransportOptions.loopback());
        List<TestWebRtcClient> clients = new ArrayList<>();
        List<RecordingListener> listeners = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            TestWebRtcClient c = new TestWebRtcClient();
            closeMe.add(c);
            ServerParameters p = transport.serverParameters();
            RecordingListener l = new RecordingListener();
            transport.open(Sdp.answer(Sdp.parse(c.offer("sendrecv")), p).negotiated(), p, l);
            c.connect(p, server());
            clients.add(c);
            listeners.add(l);
        }
        assertThat(transport.stats().peers()).isEqualTo(6);
        for (int i = 0; i < 6; i++) {
            for (MediaPacket p : frames(4, 100 + i)) {
                clients.get(i).sendVideo(p);
            }
        }
        for (int i = 0; i < 6; i++) {
            RecordingListener l = listeners.get(i);
            await().atMost(Duration.ofSeconds(10)).until(() -> l.packets(MediaKind.VIDEO).size() == 4);
            assertThat(l.packets(MediaKind.VIDEO)).as("peer %d", i).containsExactlyElementsOf(frames(4, 100 + i));
        }
    }

    @Test
    void theKernelsDropCountersAreSummedOverThePortsSocketsOnly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path table = dir.resolve("udp");
        java.nio.file.Files.writeString(table, String.join("\n",
                "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops",
                "  10: 0100007F:9AEF 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4711 2 0000000000000000 796823",
                "  11: 0100007F:9AEF 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4712 2 0000000000000000 17",
                "  12: 0100007F:1F90 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 9999 2 0000000000000000 5000",
                ""));
        assertThat(WebRtcTransport.procUdpDrops(java.util.Set.of("4711", "4712"), table)).isEqualTo(796_840);
        assertThat(WebRtcTransport.procUdpDrops(java.util.Set.of("4711"), dir.resolve("absent"))).isZero();
    }

    @Test
    void datagramsTheKernelDropsWhileTheLoopsAreStuckAreCounted() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.netty.channel.epoll.Epoll.isAvailable()
                && java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/net/udp")), "Linux with epoll");
        start(TransportOptions.loopback());
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        for (io.netty.channel.Channel c : transport.channels()) { // no reader: the receive buffers fill up
            c.eventLoop().execute(() -> {
                try {
                    release.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        try (java.net.DatagramSocket sender = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] junk = new byte[1200]; // 24 MB in all: more than the 8 MiB a socket may hold
            for (int i = 0; i < 20_000; i++) {
                sender.send(new java.net.DatagramPacket(junk, junk.length, server()));
            }
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> transport.socketDrops() > 1000);
    }

    @Test
    void aPortInUseIsRefusedEvenThoughItsSocketsShareIt() {
        start(TransportOptions.loopback()); // several sockets on one port (SO_REUSEPORT) where epoll is there
        TransportOptions same = new TransportOptions("127.0.0.1", transport.port(), List.of(), 300, 0,
                Duration.ofSeconds(10), Duration.ofSeconds(30));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> closeMe.add(WebRtcTransport.start(same)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(String.valueOf(transport.port()));
    }

    @Test
    void openRefusesParametersItDidNotHandOutAndPeersOverTheLimit() throws Exception {
        start(new TransportOptions("127.0.0.1", 0, List.of(), 1, 0, Duration.ofSeconds(10), Duration.ofSeconds(30)));
        client = new TestWebRtcClient();
        closeMe.add(client);
        ServerParameters foreign = new ServerParameters(dev.amphi.ingest.webrtc.sdp.IceCredentials.random(
                new java.security.SecureRandom()), transport.fingerprintSha256(), transport.port(), List.of("127.0.0.1"),
                1, "x", "x", 1, 2, 3);
        Answer answer = Sdp.answer(Sdp.parse(client.offer("sendrecv")), foreign);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> transport.open(answer.negotiated(), listener))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serverParameters()");
        transport.open(answer.negotiated(), foreign, listener);
        ServerParameters second = transport.serverParameters();
        Answer other = Sdp.answer(Sdp.parse(client.offer("sendrecv")), second);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> transport.open(other.negotiated(), listener))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("limit");
    }

    @Test
    void reportsAndRembGoOutEverySecond() throws Exception {
        connect("sendrecv");
        for (MediaPacket p : frames(3, 3)) {
            client.sendVideo(p);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !client.received(Remb.class).isEmpty()
                && client.received(ReceiverReport.class).stream().anyMatch(r -> !r.reports().isEmpty()));
        assertThat(client.received(Remb.class).get(0).bitrate()).isBetween(2_400_000L, 2_500_000L);
        assertThat(client.received(Remb.class).get(0).ssrcs()).containsExactly(TestWebRtcClient.VIDEO_SSRC);

        // the room's own cap, from the next report on
        peer.maxReceiveBitrate(400_000);
        int before = client.received(Remb.class).size();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.received(Remb.class).size() > before + 1);
        List<Remb> rembs = client.received(Remb.class);
        assertThat(rembs.get(rembs.size() - 1).bitrate()).isBetween(390_000L, 400_000L);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> peer.maxReceiveBitrate(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aHiddenPeersVideoIsCappedLowAndItsLossesLeftAloneUntilItIsShownAgain() throws Exception {
        connect("sendrecv");
        List<MediaPacket> video = frames(40, 5);
        client.sendVideo(video.get(0));
        await().atMost(Duration.ofSeconds(5)).until(() -> listener.packets(MediaKind.VIDEO).size() == 1);

        peer.receivedVideoShown(false);
        await().atMost(Duration.ofSeconds(1)).until(() -> lastRemb() != null && lastRemb() <= PeerSession.HIDDEN_VIDEO_BPS);
        client.dropVideo.add(client.videoPacketsSent()); // the next delta frame's first packet: it cannot be decoded
        for (MediaPacket p : video.subList(1, 10)) {
            client.sendVideo(p);
        }
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3))
                .until(() -> client.received(GenericNack.class).isEmpty() && client.received(PictureLossIndication.class).isEmpty());
        assertThat(peer.stats().nacksSent()).isZero();
        assertThat(listener.packets(MediaKind.VIDEO)).as("nothing after the broken frame without a keyframe").hasSize(1);

        peer.receivedVideoShown(true); // shown: the full rate again, and the broken picture asked for at once
        await().atMost(Duration.ofSeconds(1)).until(() -> lastRemb() != null && lastRemb() >= 2_400_000L
                && !client.received(PictureLossIndication.class).isEmpty());
        client.sendVideo(video.get(0));
        client.dropVideo.add(client.videoPacketsSent());
        for (MediaPacket p : video.subList(10, 14)) {
            client.sendVideo(p);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !client.received(GenericNack.class).isEmpty()
                && listener.packets(MediaKind.VIDEO).size() == 6);
    }

    private Long lastRemb() {
        List<Remb> rembs = client.received(Remb.class);
        return rembs.isEmpty() ? null : rembs.get(rembs.size() - 1).bitrate();
    }

    @Test
    void aPliGoesOutWhenTheVideoCannotBeDecoded() throws Exception {
        connect("sendrecv");
        client.sendVideo(frames(2, 4).get(1)); // a delta frame first: nothing to decode it from
        await().atMost(Duration.ofSeconds(5)).until(() -> !client.received(PictureLossIndication.class).isEmpty());
        assertThat(client.received(PictureLossIndication.class).get(0).mediaSsrc()).isEqualTo(TestWebRtcClient.VIDEO_SSRC);
        assertThat(peer.stats().plisSent()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void requestKeyframeSendsAPli() throws Exception {
        connect("sendrecv");
        client.sendVideo(frames(1, 4).get(0));
        await().atMost(Duration.ofSeconds(5)).until(() -> listener.packets(MediaKind.VIDEO).size() == 1);
        assertThat(client.received(PictureLossIndication.class)).as("a decodable stream needs no PLI").isEmpty();
        assertThat(client.plisReceived.get()).isZero();
        peer.requestKeyframe();
        await().atMost(Duration.ofSeconds(5)).until(() -> client.received(PictureLossIndication.class).size() == 1);
        assertThat(client.plisReceived.get()).as("the count a light sender answers with a keyframe").isEqualTo(1);
    }

    @Test
    void theClientsKeyframeRequestReachesTheCallback() throws Exception {
        connect("sendrecv");
        client.sendPli();
        await().atMost(Duration.ofSeconds(5)).until(() -> listener.keyframeRequests.get() == 1);
        assertThat(peer.stats().keyframeRequestsReceived()).isEqualTo(1);
    }

    @Test
    void aFirReachesTheCallbackToo() throws Exception {
        connect("sendrecv");
        // RR without blocks, then a FIR (PSFB FMT 4, RFC 5104) for the server's video SSRC, sequence number 1
        client.sendRtcp(HexFormat.of().parseHex("80c90001" + "11111111"
                + "84ce0004" + "11111111" + "00000000" + String.format("%08x", (int) local.videoSsrc()) + "01000000"));
        await().atMost(Duration.ofSeconds(5)).until(() -> listener.keyframeRequests.get() == 1);
    }

    @Test
    void withoutSignalledSsrcsTheMidExtensionRoutesMediaAndRtx() throws Exception {
        start(TransportOptions.loopback());
        client = new TestWebRtcClient();
        closeMe.add(client);
        local = transport.serverParameters();
        Answer answer = Sdp.answer(Sdp.parse(client.offer("sendrecv", false)), local);
        peer = transport.open(answer.negotiated(), local, listener);
        client.connect(local, server());
        await().atMost(Duration.ofSeconds(10)).until(peer::connected);
        List<MediaPacket> video = frames(8, 9);
        List<MediaPacket> audio = opusPackets(8);
        client.dropVideo.add(6);
        for (int i = 0; i < 8; i++) {
            client.sendVideo(video.get(i));
            client.sendAudio(audio.get(i), 3);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.packets(MediaKind.VIDEO).size() == 8
                && listener.packets(MediaKind.AUDIO).size() == 8);
        assertThat(listener.packets(MediaKind.VIDEO)).containsExactlyElementsOf(video);
        assertThat(listener.packets(MediaKind.AUDIO)).containsExactlyElementsOf(audio);
        assertThat(peer.stats().retransmitsReceived()).isEqualTo(1);
    }

    @Test
    void theReturnPathDecryptsAndDepacketizesInTheClient() throws Exception {
        connect("sendrecv");
        List<MediaPacket> video = frames(10, 5);
        List<MediaPacket> audio = opusPackets(10);
        for (int i = 0; i < 10; i++) {
            assertThat(peer.sendVideo(video.get(i))).isTrue();
            assertThat(peer.sendAudio(audio.get(i))).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> client.videoReceived.size() == 10 && client.audioReceived.size() == 10);
        assertThat(client.videoReceived).containsExactlyElementsOf(video);
        assertThat(client.audioReceived).containsExactlyElementsOf(audio);
        assertThat(peer.stats().packetsOut()).isGreaterThan(20);
        if (io.netty.channel.epoll.EpollDatagramChannel.isSegmentedDatagramPacketSupported()) {
            // the frames' FU-A fragments left as segmented sends, and arrived as the datagrams they were
            assertThat(transport.gsoSends()).isPositive();
        }
        // a sender report about each stream follows within a second; the client's report about it gives the RTT
        await().atMost(Duration.ofSeconds(5)).until(() -> client.received(SenderReport.class).stream()
                .anyMatch(sr -> sr.ssrc() == (int) local.videoSsrc() && sr.packetCount() > 10));
        await().atMost(Duration.ofSeconds(5)).until(() -> peer.stats().rttMillis() >= 0);
        assertThat(peer.stats().rttMillis()).isLessThan(1000);
    }

    @Test
    void onlyTheKernelsRefusalOfGsoTurnsItOff() throws Exception {
        start(TransportOptions.loopback());
        org.junit.jupiter.api.Assumptions.assumeTrue(transport.gsoOn(), "UDP GSO available here");
        transport.gsoFailed(new java.nio.channels.ClosedChannelException()); // a send at shutdown
        transport.gsoFailed(new java.io.IOException("sendmmsg(..) failed: No route to host")); // one peer's problem
        assertThat(transport.gsoOn()).isTrue();
        transport.gsoFailed(new java.io.IOException("sendmmsg(..) failed: Input/output error")); // no checksum offload
        assertThat(transport.gsoOn()).isFalse();
    }

    @Test
    void aRecvonlyPeerGetsNothingToSendFromUsOnlyWhenItReceives() throws Exception {
        connect("sendonly");
        assertThat(peer.sendVideo(frames(1, 6).get(0))).isFalse();
        assertThat(peer.sendAudio(opusPackets(1).get(0))).isFalse();
    }

    @Test
    void theServersNackIsAnsweredWithRtx() throws Exception {
        connect("sendrecv");
        List<MediaPacket> video = frames(3, 7);
        for (MediaPacket p : video) {
            peer.sendVideo(p);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> client.videoReceived.size() == 3);
        // the client reports the server's first two video packets lost: they come again on the RTX SSRC
        List<Integer> lost = List.of(client.videoSeqsReceived.get(0), client.videoSeqsReceived.get(1));
        client.sendRtcp(List.of(new ReceiverReport(TestWebRtcClient.AUDIO_SSRC, List.of()),
                new GenericNack(TestWebRtcClient.AUDIO_SSRC, (int) local.videoSsrc(), lost)));
        await().atMost(Duration.ofSeconds(5)).until(() -> client.rtxReceived.size() == 2);
        assertThat(client.rtxReceived).containsExactlyElementsOf(lost);
        assertThat(peer.stats().retransmitsSent()).isEqualTo(2);
        assertThat(peer.stats().nacksReceived()).isEqualTo(1);
    }

    @Test
    void badDatagramsAndStrangersDoNotDisturbAConnectedPeer() throws Exception {
        connect("sendrecv");
        List<MediaPacket> video = frames(6, 8);
        client.sendVideo(video.get(0));
        client.sendRaw(client.check(local.ice().ufrag(), "wrong-password-0123456789", true));
        client.sendRaw(client.check("nobody", local.ice().pwd(), true));
        client.sendRaw(HexFormat.of().parseHex("ff00ff00"));
        client.sendRaw(HexFormat.of().parseHex("80")); // an RTP first byte, cut short
        client.sendRaw(HexFormat.of().parseHex("806f000100000000222222220102")); // RTP not protected
        client.sendRaw(HexFormat.of().parseHex("80c8000100000000")); // RTCP not protected
        client.sendRaw(HexFormat.of().parseHex("16fefd0000")); // a broken DTLS record
        client.sendRaw(new byte[1600]); // too large
        try (java.net.DatagramSocket stranger = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] rtp = HexFormat.of().parseHex("806f0001000000002222222201020304");
            stranger.send(new java.net.DatagramPacket(rtp, rtp.length, server()));
            byte[] dtls = HexFormat.of().parseHex("16fefd000000000000000000010001");
            stranger.send(new java.net.DatagramPacket(dtls, dtls.length, server()));
        }
        for (MediaPacket p : video.subList(1, video.size())) {
            client.sendVideo(p);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.packets(MediaKind.VIDEO).size() == 6);
        assertThat(listener.packets(MediaKind.VIDEO)).containsExactlyElementsOf(video);
        assertThat(peer.connected()).isTrue();
        assertThat(listener.closed).isEmpty();
        TransportStats stats = transport.stats();
        assertThat(stats.oversize()).isEqualTo(1);
        assertThat(stats.unclassified()).isEqualTo(2);
        assertThat(stats.unknownSource()).isEqualTo(2);
        assertThat(stats.stunDropped()).isEqualTo(1);
        assertThat(stats.stunRefused()).isEqualTo(1);
        assertThat(peer.stats().dropped()).as("unprotected RTP and RTCP").isEqualTo(2);
    }

    @Test
    void aPeerThatNeverConnectsIsClosedAfterTheHandshakeTimeout() throws Exception {
        start(TransportOptions.loopback().withHandshakeTimeout(Duration.ofMillis(500)));
        open("sendrecv");
        await().atMost(Duration.ofSeconds(5)).until(() -> listener.closed.size() == 1);
        assertThat(listener.closed.get(0)).contains("did not complete within 500 ms");
        assertThat(peer.isClosed()).isTrue();
        assertThat(transport.peers()).isEmpty();
    }

    @Test
    void aNominatedPeerWithoutDtlsIsClosedAfterTheHandshakeTimeout() throws Exception {
        start(TransportOptions.loopback().withHandshakeTimeout(Duration.ofMillis(800)));
        open("sendrecv");
        client.nominate(local, server());
        await().atMost(Duration.ofSeconds(5)).until(() -> listener.closed.size() == 1);
        assertThat(listener.connected.get()).isZero();
        // the ufrag is forgotten: a check gets no answer now
        assertThat(peer.isClosed()).isTrue();
    }

    @Test
    void checksKeepConsentAlive() throws Exception {
        start(TransportOptions.loopback().withConsentTimeout(Duration.ofSeconds(1)));
        open("sendrecv");
        client.keepAliveEvery(Duration.ofMillis(200));
        client.connect(local, server());
        await().atMost(Duration.ofSeconds(10)).until(peer::connected);
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(peer::connected);
        assertThat(listener.closed).isEmpty();
    }

    @Test
    void transportCcFeedbackReportsTheArrivals() throws Exception {
        connect("sendrecv");
        for (MediaPacket p : opusPackets(10)) {
            client.sendAudio(p, -1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> client.received(TransportCcFeedback.class).stream()
                .mapToLong(f -> f.arrivals().size()).sum() == 10);
        // the client's transport-wide sequence numbers start at 65530: the feedback follows them across the wrap
        assertThat(client.received(TransportCcFeedback.class).stream().flatMap(f -> f.arrivals().stream())
                .map(TransportCcFeedback.Arrival::sequence)).containsExactly(65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3);
    }

    @Test
    void aPeerThatStopsItsChecksLosesConsent() throws Exception {
        start(TransportOptions.loopback().withConsentTimeout(Duration.ofSeconds(1)));
        open("sendrecv");
        client.connect(local, server());
        await().atMost(Duration.ofSeconds(10)).until(peer::connected);
        client.keepAlive(false);
        await().atMost(Duration.ofSeconds(5)).until(() -> listener.closed.size() == 1);
        assertThat(listener.closed.get(0)).contains("consent");
    }

    @Test
    void closingThePeerSendsByeAndCloseNotify() throws Exception {
        connect("sendrecv");
        peer.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> !client.received(Bye.class).isEmpty() && client.dtlsClosed);
        assertThat(listener.closed).containsExactly("closed by the server");
        assertThat(transport.peers()).isEmpty();
    }

    @Test
    void theServerSeesTheClientClose() throws Exception {
        connect("sendrecv");
        client.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> listener.closed.size() == 1);
        assertThat(listener.closed.get(0)).contains("closed DTLS");
    }
}
