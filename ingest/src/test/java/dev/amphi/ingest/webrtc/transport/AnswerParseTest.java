package dev.amphi.ingest.webrtc.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.ingest.webrtc.sdp.IceCredentials;
import dev.amphi.ingest.webrtc.sdp.Sdp;
import dev.amphi.ingest.webrtc.sdp.ServerParameters;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test client (and the bench's light WHIP speaker) reads back from the server's answer what the server put in it. */
class AnswerParseTest {

    private static final ServerParameters SERVER = new ServerParameters(new IceCredentials("srvUfrag0123abcd",
            "serverPassword0123456789abcdefgh"), String.join(":", java.util.Collections.nCopies(32, "AB")), 8189,
            List.of("127.0.0.1"), 5, "amphi", "amphi", 1111, 2222, 3333);

    @Test
    void aSendrecvAnswerGivesCredentialsFingerprintCandidateAndTheServersSsrcs() throws Exception {
        try (TestWebRtcClient client = new TestWebRtcClient()) {
            String answer = Sdp.answer(Sdp.parse(client.offer("sendrecv")), SERVER).sdp();
            TestWebRtcClient.Answer a = TestWebRtcClient.Answer.parse(answer);
            assertThat(a.address()).isEqualTo(new InetSocketAddress("127.0.0.1", 8189));
            assertThat(a.parameters().ice()).isEqualTo(SERVER.ice());
            assertThat(a.parameters().fingerprintSha256()).isEqualTo(SERVER.fingerprintSha256());
            assertThat(List.of(a.parameters().audioSsrc(), a.parameters().videoSsrc(), a.parameters().videoRtxSsrc()))
                    .containsExactly(1111L, 2222L, 3333L);
        }
    }

    @Test
    void anAnswerWithoutCredentialsIsRefusedWithTheAnswerInTheMessage() {
        assertThatThrownBy(() -> TestWebRtcClient.Answer.parse("v=0\r\ns=-\r\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lacks ICE credentials");
    }
}
