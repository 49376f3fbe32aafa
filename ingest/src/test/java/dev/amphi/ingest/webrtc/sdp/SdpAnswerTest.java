package dev.amphi.ingest.webrtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Answer decisions beyond the golden files: directions, partial rejection, the server's parameters. */
class SdpAnswerTest {

    private static final String M = SdpTestData.MINIMAL;

    @Test
    void listenOnlyOfferGetsTheServersAudioWithItsSsrc() {
        Answer a = Sdp.answer(Sdp.parse(M.replace("a=sendonly", "a=recvonly")), SdpTestData.SERVER);
        assertThat(a.negotiated().media().get(0).direction()).isEqualTo(Direction.SENDONLY);
        assertThat(SdpGoldenTest.lines(a.sdp())).contains("a=sendonly", "a=msid:amphi-room amphi-room-audio",
                "a=ssrc:1111 cname:amphi-program", "a=ssrc:1111 msid:amphi-room amphi-room-audio");
    }

    @Test
    void ingestOnlyOfferGetsNoServerSsrc() {
        Answer a = Sdp.answer(Sdp.parse(M), SdpTestData.SERVER);
        assertThat(SdpGoldenTest.lines(a.sdp())).contains("a=recvonly").noneMatch(l -> l.startsWith("a=ssrc"))
                .noneMatch(l -> l.startsWith("a=msid"));
    }

    @Test
    void sectionOutsideBundleIsRejectedWhileTheOthersAreAccepted() {
        String sdp = M + String.join("\r\n", "m=video 9 UDP/TLS/RTP/SAVPF 96", "a=mid:v", "a=rtcp-mux",
                "a=rtpmap:96 VP8/90000", "");
        Answer a = Sdp.answer(Sdp.parse(sdp), SdpTestData.SERVER);
        assertThat(a.negotiated().media()).extracting(NegotiatedMedia::mid).containsExactly("0");
        assertThat(a.negotiated().rejected()).extracting(RejectedMedia::reason)
                .containsExactly("it is not in the offer's BUNDLE group (all media share one transport)");
        List<String> lines = SdpGoldenTest.lines(a.sdp());
        assertThat(lines).contains("a=group:BUNDLE 0", "m=video 0 UDP/TLS/RTP/SAVPF 96", "a=mid:v");
    }

    @Test
    void bundleOnlySectionUsesTheTaggedSectionsTransport() {
        String sdp = M.replace("a=group:BUNDLE 0", "a=group:BUNDLE 0 v") + String.join("\r\n",
                "m=video 0 UDP/TLS/RTP/SAVPF 96", "a=mid:v", "a=bundle-only", "a=sendonly", "a=rtcp-mux",
                "a=rtpmap:96 VP8/90000", "a=rtcp-fb:* nack", "a=rtcp-fb:* nack pli", "a=rtcp-fb:96 rrtr", "");
        Answer a = Sdp.answer(Sdp.parse(sdp), SdpTestData.SERVER);
        NegotiatedMedia video = a.negotiated().media().get(1);
        assertThat(video.codec().encoding()).isEqualTo("VP8");
        assertThat(video.rtcpFeedback()).containsExactly("nack", "nack pli");
        assertThat(SdpGoldenTest.lines(a.sdp())).contains("a=group:BUNDLE 0 v", "m=video 50000 UDP/TLS/RTP/SAVPF 96",
                "a=rtcp-fb:96 nack pli");
    }

    @Test
    void simulcastOfferIsAnsweredWithOneEncoding() {
        String sdp = M.replace("m=audio 9 UDP/TLS/RTP/SAVPF 111", "m=video 9 UDP/TLS/RTP/SAVPF 96")
                .replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:96 VP8/90000")
                .replace("a=fmtp:111 minptime=10;useinbandfec=1", "a=rid:q send\r\na=rid:h send\r\na=simulcast:send q;h");
        Answer a = Sdp.answer(Sdp.parse(sdp), SdpTestData.SERVER);
        assertThat(a.negotiated().media().get(0).simulcastOffered()).isTrue();
        assertThat(SdpGoldenTest.lines(a.sdp())).noneMatch(l -> l.startsWith("a=simulcast") || l.startsWith("a=rid"));
    }

    @Test
    void activeOfferIsAnsweredPassive() {
        Answer a = Sdp.answer(Sdp.parse(M.replace("a=setup:actpass", "a=setup:active")), SdpTestData.SERVER);
        assertThat(SdpGoldenTest.lines(a.sdp())).contains("a=setup:passive");
        assertThat(a.negotiated().dtlsServer()).isTrue();
    }

    @Test
    void ipv6HostGoesInTheConnectionLine() {
        ServerParameters v6 = new ServerParameters(SdpTestData.ICE, SdpTestData.FINGERPRINT, 4000,
                List.of("2001:db8::7"), 7, "c", "s", 1, 2, 0);
        List<String> lines = SdpGoldenTest.lines(Sdp.answer(Sdp.parse(M), v6).sdp());
        assertThat(lines).contains("o=- 7 2 IN IP6 2001:db8::7", "c=IN IP6 2001:db8::7",
                "a=candidate:1 1 udp 2130706431 2001:db8::7 4000 typ host");
    }

    @Test
    void randomIceCredentialsHaveTheRfcLengthsAndDiffer() {
        SecureRandom random = new SecureRandom();
        IceCredentials a = IceCredentials.random(random);
        IceCredentials b = IceCredentials.random(random);
        assertThat(a.ufrag()).matches("[A-Za-z0-9]{16}");
        assertThat(a.pwd()).matches("[A-Za-z0-9]{32}");
        assertThat(a.ufrag()).isNotEqualTo(b.ufrag());
        assertThat(a.pwd()).isNotEqualTo(b.pwd());
        assertThat(a.toString()).doesNotContain(a.pwd());
    }

    @Test
    void serverParametersNameTheBadValue() {
        assertThatThrownBy(() -> new ServerParameters(SdpTestData.ICE, "AB:CD", 1, List.of("10.0.0.1"), 1, "c", "s",
                1, 2, 0)).hasMessage("fingerprintSha256 must be 32 hex byte pairs separated by ':'");
        assertThatThrownBy(() -> new ServerParameters(SdpTestData.ICE, SdpTestData.FINGERPRINT, 1,
                List.of("example.org"), 1, "c", "s", 1, 2, 0))
                .hasMessage("host address 'example.org' is not an IPv4 or IPv6 literal");
        assertThatThrownBy(() -> new ServerParameters(SdpTestData.ICE, SdpTestData.FINGERPRINT, 1,
                List.of("10.0.0.1"), 1, "c", "s", 5, 5, 0))
                .hasMessage("audioSsrc, videoSsrc and videoRtxSsrc must differ");
        assertThatThrownBy(() -> new ServerParameters(SdpTestData.ICE, SdpTestData.FINGERPRINT, 0,
                List.of("10.0.0.1"), 1, "c", "s", 1, 2, 0)).hasMessage("udpPort must be 1..65535, was 0");
        assertThatThrownBy(() -> new IceCredentials("abc", "x".repeat(22)))
                .hasMessage("ICE ufrag must be 4-256 characters of A-Z a-z 0-9 + /");
    }
}
