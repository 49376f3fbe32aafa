package dev.amphi.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.ingest.PublishDecision;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The builder fails fast, naming the bad value; the server binds, reports its ports and closes. */
class RtmpServerBuilderTest {

    @Test
    void rejectsBadValuesNamingThem() {
        RtmpServer.Builder b = RtmpServer.builder();
        assertThatThrownBy(() -> b.port(70000)).hasMessage("RTMP port must be in 0..65535, was 70000");
        assertThatThrownBy(() -> b.maxMessageSize(100)).hasMessage("maxMessageSize must be in 1024..16777215, was 100");
        assertThatThrownBy(() -> b.maxMessageSize(1 << 24)).hasMessageContaining("was 16777216");
        assertThatThrownBy(() -> b.maxChunkSize(64)).hasMessage("maxChunkSize must be at least 128 (the RTMP default), was 64");
        assertThatThrownBy(() -> b.handshakeTimeout(Duration.ZERO)).hasMessage("handshakeTimeout must be positive, was PT0S");
        assertThatThrownBy(() -> b.idleTimeout(Duration.ofSeconds(-1))).hasMessage("idleTimeout must be positive, was PT-1S");
        assertThatThrownBy(() -> b.ioThreads(-1)).hasMessageContaining("was -1");
        assertThatThrownBy(() -> b.publishTimeout(Duration.ZERO)).hasMessage("publishTimeout must be positive, was PT0S");
        assertThatThrownBy(() -> b.failedPublishLimit(-1, Duration.ofMinutes(1))).hasMessageContaining("was -1");
        assertThatThrownBy(() -> b.failedPublishLimit(5, Duration.ZERO)).hasMessage("failed publish window must be positive, was PT0S");
        assertThatThrownBy(() -> b.maxConnectionsPerAddress(-1)).hasMessageContaining("was -1");
        assertThatThrownBy(() -> b.bind(" ")).hasMessage("bind host must not be blank");
        assertThatThrownBy(() -> b.authorizer(null)).isInstanceOf(NullPointerException.class).hasMessage("authorizer");
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("authorizer");
    }

    @Test
    void bindsAFreePortReportsNoTlsAndClosesTwice() throws InterruptedException {
        RtmpServer server = RtmpServer.builder().bind("127.0.0.1").port(0)
                .authorizer(r -> CompletableFuture.completedFuture(PublishDecision.reject("no"))).build().start();
        try {
            assertThat(server.port()).isPositive();
            assertThat(server.tlsPort()).isEqualTo(-1);
            assertThat(server.activePublishers()).isZero();
            assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
        } finally {
            server.close();
            server.close();
        }
    }
}
