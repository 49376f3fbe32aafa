package dev.amphi.ingest.webrtc.whip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IceServerTest {

    @Test
    void parsesStunAndTurnWithCredentials() {
        List<IceServer> list = IceServer.parseList(
                " stun:stun.example.net:3478 , turn:turn.example.net:3478?transport=udp;username=amphi;credential=s3cret,");
        assertThat(list).containsExactly(IceServer.of("stun:stun.example.net:3478"),
                new IceServer("turn:turn.example.net:3478?transport=udp", Optional.of("amphi"), Optional.of("s3cret")));
        assertThat(IceServer.parseList("  ")).isEmpty();
    }

    @Test
    void linkHeaderFollowsWhip() {
        assertThat(IceServer.of("stun:stun.example.net").linkHeader()).isEqualTo("<stun:stun.example.net>; rel=\"ice-server\"");
        assertThat(IceServer.parseList("turns:t.example.net:443?transport=tcp;username=u;credential=p").get(0).linkHeader())
                .isEqualTo("<turns:t.example.net:443?transport=tcp>; rel=\"ice-server\"; username=\"u\"; credential=\"p\"; "
                        + "credential-type=\"password\"");
    }

    @Test
    void refusesWhatWouldBreakTheHeaderOrIsNoIceServer() {
        assertThatThrownBy(() -> IceServer.parseList("http://example.net")).hasMessageContaining("stun:");
        assertThatThrownBy(() -> IceServer.parseList("turn:t.example.net")).hasMessageContaining("username");
        assertThatThrownBy(() -> IceServer.parseList("stun:a;username=x")).hasMessageContaining("credential");
        assertThatThrownBy(() -> IceServer.parseList("turn:t;username=a\"b;credential=c")).hasMessageContaining("quotes");
        assertThatThrownBy(() -> IceServer.parseList("stun:s;password=x")).hasMessageContaining("unknown parameter 'password'");
        assertThatThrownBy(() -> IceServer.parseList("stun:")).hasMessageContaining("with a host");
    }

    @Test
    void neverPrintsTheCredential() {
        assertThat(IceServer.parseList("turn:t.example.net;username=u;credential=topsecret").get(0).toString())
                .contains("turn:t.example.net", "u").doesNotContain("topsecret");
    }
}
