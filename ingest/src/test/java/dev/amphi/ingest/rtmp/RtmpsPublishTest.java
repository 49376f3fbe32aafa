package dev.amphi.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.ingest.rtmp.testing.CapturingSink;
import dev.amphi.ingest.rtmp.testing.FfmpegPublisher;
import dev.amphi.ingest.rtmp.testing.RecordingListener;
import dev.amphi.ingest.rtmp.testing.SelfSigned;
import dev.amphi.ingest.rtmp.testing.TestAuthorizer;
import dev.amphi.media.MediaKind;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RTMP over TLS with a self-signed certificate made by {@code openssl}, published to by FFmpeg. */
class RtmpsPublishTest {

    @TempDir
    Path dir;

    @Test
    void ffmpegPublishesOverRtmpsAndTheAuthorizerSeesASecureRequest() throws Exception {
        SelfSigned tls = SelfSigned.in(dir);
        TestAuthorizer authorizer = new TestAuthorizer().key("secret", "lobby");
        RecordingListener listener = new RecordingListener();
        try (RtmpServer server = RtmpServer.builder().bind("127.0.0.1").port(0).tls(0, tls.certificate(), tls.privateKey())
                .authorizer(authorizer).listener(listener).build().start()) {
            assertThat(server.tlsPort()).isPositive().isNotEqualTo(server.port());
            try (FfmpegPublisher p = new FfmpegPublisher("rtmps://127.0.0.1:" + server.tlsPort() + "/live/secret").start()) {
                p.push(60);
                p.stop();
            }
            CapturingSink sink = authorizer.sink("lobby");
            sink.awaitEnds(1, Duration.ofSeconds(20));
            assertThat(CapturingSink.of(sink.session(0), MediaKind.VIDEO)).hasSizeBetween(59, 61);
            assertThat(CapturingSink.of(sink.session(0), MediaKind.AUDIO)).isNotEmpty();
            assertThat(authorizer.requests).singleElement().satisfies(r -> assertThat(r.secure()).isTrue());

            // plain RTMP spoken to the TLS port is refused with one log line
            try (FfmpegPublisher p = new FfmpegPublisher("rtmp://127.0.0.1:" + server.tlsPort() + "/live/secret")) {
                assertThatThrownBy(p::start).isInstanceOf(org.bytedeco.javacv.FrameRecorder.Exception.class);
            }
            assertThat(listener.awaitError("SSL", Duration.ofSeconds(10))).isNotBlank();
        }
    }

    @Test
    void theBuilderNamesAMissingCertificate() {
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> RtmpServer.builder().tls(0, missing, missing))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString());
    }
}
