package dev.amphi.ingest.webrtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.media.MediaKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real-world-shaped offers (Chromium's speaker page sending and receiving, OBS's WHIP output,
 * Firefox sending with a data channel) answered with fixed server parameters, compared with the
 * golden answers beside them. {@code -Damphi.sdp.writeGoldens=true} rewrites the goldens in
 * src/test/resources (review the diff before committing it).
 */
class SdpGoldenTest {

    private static final String DIR = "src/test/resources/dev/amphi/ingest/webrtc/sdp/";

    @ParameterizedTest
    @ValueSource(strings = {"chrome-sendrecv", "obs-whip", "firefox-sendonly"})
    void answerMatchesGolden(String name) throws IOException {
        Answer answer = Sdp.answer(Sdp.parse(SdpTestData.resource(name + ".offer.sdp")), SdpTestData.SERVER);
        if (Boolean.getBoolean("amphi.sdp.writeGoldens")) {
            Path root = Path.of(System.getProperty("basedir", "."));
            Files.writeString(root.resolve(DIR + name + ".answer.sdp"), answer.sdp(), StandardCharsets.UTF_8);
        }
        assertThat(answer.sdp()).isEqualTo(SdpTestData.resource(name + ".answer.sdp"));
        // the answer is itself valid SDP
        SessionDescription reparsed = Sdp.parse(answer.sdp());
        assertThat(reparsed.iceLite()).isTrue();
    }

    @Test
    void chromeSpeakerGetsConstrainedBaselineH264WithRtxAndSendsProgramBack() {
        NegotiatedSession n = negotiate("chrome-sendrecv");
        assertThat(n.remoteIceUfrag()).isEqualTo("Qx7v");
        assertThat(n.remoteIcePwd()).isEqualTo("m3Rk8sTq2LwZp9Yb4HcN6dFj");
        assertThat(n.remoteFingerprints()).extracting(Fingerprint::algorithm).containsExactly("sha-256");
        assertThat(n.localIce()).isEqualTo(SdpTestData.ICE);
        assertThat(n.rejected()).isEmpty();

        NegotiatedMedia audio = n.media().get(0);
        assertThat(audio.mid()).isEqualTo("0");
        assertThat(audio.kind()).isEqualTo(MediaKind.AUDIO);
        assertThat(audio.direction()).isEqualTo(Direction.SENDRECV);
        assertThat(audio.codec()).isEqualTo(new Codec(111, "opus", 48000, 2, "minptime=10;useinbandfec=1"));
        assertThat(audio.rtxPayloadType()).isEmpty();
        assertThat(audio.remoteSsrcs()).containsExactly(1829345100L);
        assertThat(audio.extensionIds()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "urn:ietf:params:rtp-hdrext:ssrc-audio-level", 1,
                "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", 2,
                "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", 3,
                "urn:ietf:params:rtp-hdrext:sdes:mid", 4));
        assertThat(audio.rtcpFeedback()).containsExactly("transport-cc");

        NegotiatedMedia video = n.media().get(1);
        assertThat(video.kind()).isEqualTo(MediaKind.VIDEO);
        assertThat(video.codec().payloadType()).isEqualTo(106);
        assertThat(video.codec().fmtp()).contains("profile-level-id=42e01f").contains("packetization-mode=1");
        assertThat(video.clockRate()).isEqualTo(90000);
        assertThat(video.rtxPayloadType()).isEqualTo(OptionalInt.of(107));
        assertThat(video.remoteSsrcs()).containsExactly(2206481735L);
        assertThat(video.remoteRtxSsrcs()).containsExactlyEntriesOf(Map.of(2206481735L, 3991822604L));
        assertThat(video.rtcpFeedback()).containsExactly("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli");
        assertThat(video.extensionIds()).doesNotContainKey("urn:3gpp:video-orientation").hasSize(3);
        assertThat(video.rtcpReducedSize()).isTrue();
    }

    @Test
    void obsWhipIsReceivedOnlyWithSessionLevelTransport() {
        NegotiatedSession n = negotiate("obs-whip");
        assertThat(n.remoteIceUfrag()).isEqualTo("Tb2k");
        assertThat(n.media()).extracting(NegotiatedMedia::direction)
                .containsExactly(Direction.RECVONLY, Direction.RECVONLY);
        assertThat(n.media().get(0).codec()).isEqualTo(new Codec(111, "opus", 48000, 2, "minptime=10;useinbandfec=1"));
        assertThat(n.media().get(1).codec().encoding()).isEqualTo("H264");
        assertThat(n.media().get(1).remoteSsrcs()).containsExactly(3104776521L);
        assertThat(n.media().get(1).rtcpFeedback()).containsExactly("nack", "nack pli", "goog-remb");
    }

    @Test
    void firefoxDataChannelIsRejectedAndH264ModeOneChosenOverVp8() {
        NegotiatedSession n = negotiate("firefox-sendonly");
        assertThat(n.media()).extracting(NegotiatedMedia::mid).containsExactly("0", "1");
        assertThat(n.media().get(1).codec().payloadType()).isEqualTo(126);
        assertThat(n.media().get(1).rtxPayloadType()).isEqualTo(OptionalInt.of(127));
        assertThat(n.media().get(1).remoteSsrcs()).containsExactly(1401759382L);
        assertThat(n.rejected()).containsExactly(new RejectedMedia("2", "mid 2 (application)",
                "'application' media is not supported (audio and video only)"));
        assertThat(n.media().get(0).extensionIds()).containsOnlyKeys(
                "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "urn:ietf:params:rtp-hdrext:sdes:mid");
    }

    private static NegotiatedSession negotiate(String name) {
        return Sdp.answer(Sdp.parse(SdpTestData.resource(name + ".offer.sdp")), SdpTestData.SERVER).negotiated();
    }

    static List<String> lines(String sdp) {
        return List.of(sdp.split("\r\n"));
    }
}
