package dev.amphi.ingest.webrtc.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.ingest.webrtc.dtls.DtlsEndpoint.Role;
import dev.amphi.ingest.webrtc.dtls.DtlsHandshakeException.Reason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A DTLS server and client endpoint over an in-memory datagram pipe, each on its own thread. */
@Timeout(60)
class DtlsSrtpInMemoryTest {

    private static final DtlsCertificate SERVER = DtlsCertificate.generate();
    private static final DtlsCertificate CLIENT = DtlsCertificate.generate();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final ExecutorService serverThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "dtls-server"));

    @AfterEach
    void stop() {
        serverThread.shutdownNow();
    }

    private record Pair(DtlsAssociation server, DtlsAssociation client) {
    }

    private Pair handshake(DtlsEndpoint server, DtlsEndpoint client) throws Exception {
        MemoryPipe pipe = new MemoryPipe();
        Future<DtlsAssociation> s = serverThread.submit(() -> server.handshake(pipe.a()));
        DtlsAssociation c = client.handshake(pipe.b());
        return new Pair(s.get(30, TimeUnit.SECONDS), c);
    }

    private static DtlsEndpoint server(List<SrtpProfile> profiles) {
        return DtlsEndpoint.of(Role.SERVER, SERVER, CLIENT.fingerprint(), TIMEOUT, profiles);
    }

    private static DtlsEndpoint client(List<SrtpProfile> profiles) {
        return DtlsEndpoint.of(Role.CLIENT, CLIENT, SERVER.fingerprint(), TIMEOUT, profiles);
    }

    static byte[] rtp(int seq, int ssrc, int payloadLength) {
        byte[] p = new byte[12 + payloadLength];
        p[0] = (byte) 0x80;
        p[1] = 96;
        p[2] = (byte) (seq >>> 8);
        p[3] = (byte) seq;
        p[7] = 42;
        p[8] = (byte) (ssrc >>> 24);
        p[9] = (byte) (ssrc >>> 16);
        p[10] = (byte) (ssrc >>> 8);
        p[11] = (byte) ssrc;
        for (int i = 12; i < p.length; i++) {
            p[i] = (byte) (i * 7 + seq);
        }
        return p;
    }

    /** A receiver report (RTCP type 201) with one report block. */
    static byte[] rtcp(int ssrc) {
        byte[] p = new byte[32];
        p[0] = (byte) 0x81;
        p[1] = (byte) 201;
        p[3] = 7;
        p[4] = (byte) (ssrc >>> 24);
        p[7] = (byte) ssrc;
        for (int i = 8; i < p.length; i++) {
            p[i] = (byte) i;
        }
        return p;
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void bothSidesDeriveTheSameKeysAndExchangeRtpAndRtcp(SrtpProfile profile) throws Exception {
        Pair pair = handshake(server(List.of(SrtpProfile.values())), client(List.of(profile)));

        assertThat(pair.server.profile()).isEqualTo(profile);
        assertThat(pair.client.profile()).isEqualTo(profile);
        assertThat(pair.server.keys()).isEqualTo(pair.client.keys());
        assertThat(pair.server.keys().clientKey()).isNotEqualTo(pair.server.keys().serverKey());

        SrtpSession server = pair.server.newSrtpSession();
        SrtpSession client = pair.client.newSrtpSession();
        byte[] media = rtp(1000, 0x1234_5678, 300);
        byte[] srtp = client.protectRtp(media, 0, media.length);
        assertThat(srtp).hasSize(media.length + profile.tagLength());
        assertThat(java.util.Arrays.copyOfRange(srtp, 12, 312)).isNotEqualTo(java.util.Arrays.copyOfRange(media, 12, 312));
        assertThat(server.unprotectRtp(srtp, 0, srtp.length)).isEqualTo(media);

        byte[] back = rtp(7, 0x0BAD_CAFE, 120);
        byte[] srtpBack = server.protectRtp(back, 0, back.length);
        assertThat(client.unprotectRtp(srtpBack, 0, srtpBack.length)).isEqualTo(back);
        assertThat(server.unprotectRtp(srtpBack, 0, srtpBack.length)).as("a side cannot read its own packets").isNull();

        byte[] report = rtcp(0x0BAD_CAFE);
        byte[] srtcp = server.protectRtcp(report, 0, report.length);
        assertThat(client.unprotectRtcp(srtcp, 0, srtcp.length)).isEqualTo(report);
        byte[] reportIn = rtcp(0x1234_5678);
        byte[] srtcpIn = client.protectRtcp(reportIn, 0, reportIn.length);
        assertThat(server.unprotectRtcp(srtcpIn, 0, srtcpIn.length)).isEqualTo(reportIn);
        assertThat(server.stats()).isEqualTo(new SrtpSession.Stats(1, 0, 0, 0));
        assertThat(client.stats()).isEqualTo(new SrtpSession.Stats(0, 0, 0, 0));
    }

    @Test
    void serverPrefersGcmWhenTheClientOffersBoth() throws Exception {
        Pair pair = handshake(server(List.of(SrtpProfile.values())),
                client(List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM)));
        assertThat(pair.server.profile()).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);
        assertThat(pair.client.profile()).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void tamperedAndReplayedPacketsAreDroppedAndCounted(SrtpProfile profile) throws Exception {
        Pair pair = handshake(server(List.of(profile)), client(List.of(profile)));
        SrtpSession server = pair.server.newSrtpSession();
        SrtpSession client = pair.client.newSrtpSession();

        byte[] srtp = client.protectRtp(rtp(5, 99, 200), 0, 212);
        byte[] tampered = srtp.clone();
        tampered[100] ^= 1;
        assertThat(server.unprotectRtp(tampered, 0, tampered.length)).isNull();
        assertThat(server.unprotectRtp(srtp, 0, srtp.length)).isNotNull();
        assertThat(server.unprotectRtp(srtp, 0, srtp.length)).as("replayed").isNull();

        byte[] srtcp = client.protectRtcp(rtcp(99), 0, 32);
        byte[] tamperedRtcp = srtcp.clone();
        tamperedRtcp[12] ^= 0x40;
        assertThat(server.unprotectRtcp(tamperedRtcp, 0, tamperedRtcp.length)).isNull();
        assertThat(server.unprotectRtcp(srtcp, 0, srtcp.length)).isEqualTo(rtcp(99));
        assertThat(server.unprotectRtcp(srtcp, 0, srtcp.length)).as("replayed").isNull();

        assertThat(server.stats()).isEqualTo(new SrtpSession.Stats(2, 2, 0, 0));
    }

    @Test
    void serverResendsItsLastFlightToAClientThatMissedItAndSeesTheClientClose() throws Exception {
        AtomicBoolean lost = new AtomicBoolean();
        // the server's first ChangeCipherSpec record (content type 20) is lost on the way
        MemoryPipe pipe = new MemoryPipe(d -> d[0] == 20 && lost.compareAndSet(false, true));
        DtlsEndpoint server = server(List.of(SrtpProfile.values()));
        Future<DtlsAssociation> s = serverThread.submit(() -> {
            DtlsAssociation association = server.handshake(pipe.a());
            while (association.pump(1000)) {
                // answers the client's retransmitted flight, until its close_notify
            }
            return association;
        });

        DtlsAssociation client = client(List.of(SrtpProfile.values())).handshake(pipe.b());
        client.close();

        DtlsAssociation serverSide = s.get(30, TimeUnit.SECONDS);
        assertThat(lost).isTrue();
        assertThat(serverSide.isClosed()).isTrue();
        assertThat(serverSide.keys()).isEqualTo(client.keys());
    }

    @Test
    void serverRefusesAClientWhoseCertificateIsNotTheOneInItsSdp() throws Exception {
        DtlsCertificate other = DtlsCertificate.generate();
        DtlsEndpoint server = DtlsEndpoint.of(Role.SERVER, SERVER, other.fingerprint(), TIMEOUT, List.of(SrtpProfile.values()));
        MemoryPipe pipe = new MemoryPipe();
        Future<DtlsAssociation> s = serverThread.submit(() -> server.handshake(pipe.a()));

        assertThatThrownBy(() -> client(List.of(SrtpProfile.values())).handshake(pipe.b()))
                .isInstanceOf(DtlsHandshakeException.class)
                .satisfies(e -> assertThat(((DtlsHandshakeException) e).reason()).isEqualTo(Reason.PEER_ALERT))
                .hasMessageContaining("bad_certificate");
        assertThatThrownBy(s::get).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(DtlsHandshakeException.class)
                .satisfies(e -> assertThat(((DtlsHandshakeException) e).reason()).isEqualTo(Reason.FINGERPRINT_MISMATCH))
                .hasMessageContaining(CLIENT.fingerprint().toSdp())
                .hasMessageContaining("but its SDP says " + other.fingerprint().toSdp());
    }

    @Test
    void clientRefusesAServerWhoseCertificateIsNotTheOneInItsSdp() throws Exception {
        DtlsCertificate other = DtlsCertificate.generate();
        DtlsEndpoint client = DtlsEndpoint.of(Role.CLIENT, CLIENT, other.fingerprint(), TIMEOUT, List.of(SrtpProfile.values()));
        MemoryPipe pipe = new MemoryPipe();
        Future<DtlsAssociation> s = serverThread.submit(() -> server(List.of(SrtpProfile.values())).handshake(pipe.a()));

        assertThatThrownBy(() -> client.handshake(pipe.b()))
                .isInstanceOf(DtlsHandshakeException.class)
                .satisfies(e -> assertThat(((DtlsHandshakeException) e).reason()).isEqualTo(Reason.FINGERPRINT_MISMATCH));
        assertThatThrownBy(s::get).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(DtlsHandshakeException.class);
    }

    @Test
    void handshakeFailsWithoutACommonSrtpProfile() throws Exception {
        MemoryPipe pipe = new MemoryPipe();
        Future<DtlsAssociation> s = serverThread.submit(
                () -> server(List.of(SrtpProfile.AEAD_AES_128_GCM)).handshake(pipe.a()));

        assertThatThrownBy(() -> client(List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80)).handshake(pipe.b()))
                .isInstanceOf(DtlsHandshakeException.class);
        assertThatThrownBy(s::get).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(DtlsHandshakeException.class)
                .satisfies(e -> assertThat(((DtlsHandshakeException) e).reason()).isEqualTo(Reason.NO_SRTP_PROFILE));
    }

    @Test
    void serverGivesUpOnAPeerThatNeverAnswers() {
        DtlsEndpoint server = DtlsEndpoint.of(Role.SERVER, SERVER, CLIENT.fingerprint(), Duration.ofMillis(500),
                List.of(SrtpProfile.values()));
        assertThatThrownBy(() -> server.handshake(MemoryPipe.silent()))
                .isInstanceOf(DtlsHandshakeException.class)
                .satisfies(e -> assertThat(((DtlsHandshakeException) e).reason()).isEqualTo(Reason.TIMEOUT))
                .hasMessageContaining("within 500 ms");
    }

    @Test
    void clientGivesUpOnAServerThatNeverAnswers() {
        DtlsEndpoint client = DtlsEndpoint.of(Role.CLIENT, CLIENT, SERVER.fingerprint(), Duration.ofMillis(500),
                List.of(SrtpProfile.values()));
        assertThatThrownBy(() -> client.handshake(MemoryPipe.silent()))
                .isInstanceOf(DtlsHandshakeException.class)
                .satisfies(e -> assertThat(((DtlsHandshakeException) e).reason()).isEqualTo(Reason.TIMEOUT));
    }
}
