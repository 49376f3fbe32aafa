package dev.amphi.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.amphi.ingest.rtmp.testing.CapturingSink;
import dev.amphi.ingest.rtmp.testing.FfmpegPublisher;
import dev.amphi.ingest.rtmp.testing.RecordingListener;
import dev.amphi.ingest.rtmp.testing.TestAuthorizer;
import dev.amphi.media.AacConfig;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** FFmpeg's own RTMP client (through JavaCV) publishing into the server. */
class FfmpegPublishTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final TestAuthorizer authorizer = new TestAuthorizer().key("secret", "lobby");
    private final RecordingListener listener = new RecordingListener();
    private RtmpServer server;

    @BeforeEach
    void start() throws InterruptedException {
        server = RtmpServer.builder().bind("127.0.0.1").port(0).authorizer(authorizer).listener(listener).build().start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @org.junit.jupiter.api.AfterAll
    static void nothingLeaked() {
        dev.amphi.ingest.rtmp.testing.LeakRecorder.assertNoLeaks();
    }

    private String url(String key) {
        return "rtmp://127.0.0.1:" + server.port() + "/live/" + key;
    }

    @Test
    void publishesTenSecondsOfH264WithBFramesAndAacIntoTheSink() throws Exception {
        int frames = 10 * FfmpegPublisher.FPS;
        long samples;
        try (FfmpegPublisher p = new FfmpegPublisher(url("secret?token=abc")).start()) {
            p.push(frames);
            p.stop();
            samples = p.audioSamples();
        }
        CapturingSink sink = authorizer.sink("lobby");
        sink.awaitEnds(1, WAIT);

        List<MediaPacket> packets = sink.session(0);
        List<MediaPacket> video = CapturingSink.of(packets, MediaKind.VIDEO);
        List<MediaPacket> audio = CapturingSink.of(packets, MediaKind.AUDIO);
        assertThat(video.size()).isBetween(frames - 1, frames + 1);
        double aacFrames = (double) samples / AacConfig.SAMPLES_PER_FRAME;
        assertThat((double) audio.size()).isCloseTo(aacFrames, within(aacFrames * 0.05));

        assertMonotonic(video);
        assertMonotonic(audio);
        assertThat(video.get(0).dts()).isLessThan(MediaPacket.TIMESCALE / 2);
        assertThat(video.get(video.size() - 1).dts()).isBetween(9L * MediaPacket.TIMESCALE, 11L * MediaPacket.TIMESCALE);
        assertThat(video).anyMatch(p -> p.compositionOffset() != 0);
        assertThat(video).allMatch(p -> p.compositionOffset() >= 0);

        assertThat(video.get(0).keyframe()).isTrue();
        List<MediaPacket> keys = video.stream().filter(MediaPacket::keyframe).toList();
        assertThat(keys.size()).isBetween(frames / FfmpegPublisher.GOP - 1, frames / FfmpegPublisher.GOP + 1);
        for (int i = 1; i < keys.size(); i++) {
            long gap = keys.get(i).dts() - keys.get(i - 1).dts();
            assertThat(gap).as("keyframe spacing").isCloseTo((long) MediaPacket.TIMESCALE, within(9000L));
        }

        AvcConfig avc = (AvcConfig) video.get(0).config();
        assertThat(avc.profile()).as("H.264 profile: Main (x264 ultrafast with B-frames)").isEqualTo(77);
        assertThat(avc.rfc6381()).startsWith("avc1.4d");
        assertThat(avc.nalLengthSize()).isEqualTo(4);
        AacConfig aac = (AacConfig) audio.get(0).config();
        assertThat(aac.objectType()).isEqualTo(2);
        assertThat(aac.sampleRate()).isEqualTo(FfmpegPublisher.SAMPLE_RATE);
        assertThat(aac.channels()).isEqualTo(2);
        assertThat(audio).allMatch(p -> p.keyframe() && p.compositionOffset() == 0);

        assertThat(authorizer.requests).singleElement().satisfies(r -> {
            assertThat(r.app()).isEqualTo("live");
            assertThat(r.streamKey()).isEqualTo("secret");
            assertThat(r.secure()).isFalse();
        });
        assertThat(authorizer.awaitUnpublished(1, WAIT)).containsExactly("lobby");
        assertThat(listener.started).containsExactly("lobby");
        assertThat(listener.stopped).containsExactly("lobby");
        assertThat(listener.errors).isEmpty();
        assertThat(listener.bytes.get()).isGreaterThan(100_000);
        assertThat(server.activePublishers()).isZero();
    }

    @Test
    void aPublisherThatReconnectsGetsANewSessionAfterTheOldOneEnded() throws Exception {
        try (FfmpegPublisher p = new FfmpegPublisher(url("secret")).start()) {
            p.push(60);
            p.stop();
        }
        CapturingSink sink = authorizer.sink("lobby");
        sink.awaitEnds(1, WAIT);
        try (FfmpegPublisher p = new FfmpegPublisher(url("secret")).start()) {
            p.push(60);
            p.stop();
        }
        sink.awaitEnds(2, WAIT);
        for (int s = 0; s < 2; s++) {
            List<MediaPacket> video = CapturingSink.of(sink.session(s), MediaKind.VIDEO);
            assertThat(video.size()).as("session " + s).isBetween(59, 61);
            assertThat(video.get(0).keyframe()).isTrue();
            assertThat(video.get(0).dts()).as("each session's timeline starts near zero").isLessThan(9000);
        }
        assertThat(authorizer.awaitUnpublished(2, WAIT)).containsExactly("lobby", "lobby");
    }

    @Test
    void theQueryOfThePublishNameReachesTheAuthorizerAndIsNotPartOfTheKey() throws Exception {
        try (FfmpegPublisher p = new FfmpegPublisher(url("secret?name=Ada%20Lovelace&role=speaker")).start()) {
            p.push(10);
            p.stop();
        }
        authorizer.sink("lobby").awaitEnds(1, WAIT);
        assertThat(authorizer.requests).singleElement().satisfies(r -> {
            assertThat(r.streamKey()).isEqualTo("secret");
            assertThat(r.parameter("name")).contains("Ada Lovelace");
            assertThat(r.parameter("role")).contains("speaker");
            assertThat(r.parameter("missing")).isEmpty();
        });
    }

    @Test
    void aSecondPublisherTakesOverAndTheStaleOneEndsFirst() throws Exception {
        CapturingSink sink = authorizer.sink("lobby");
        try (FfmpegPublisher stale = new FfmpegPublisher(url("secret")).start()) {
            stale.push(45);
            sink.await(ev -> ev.size() > 10, WAIT, "packets of the first publisher");
            try (FfmpegPublisher fresh = new FfmpegPublisher(url("secret")).start()) {
                assertThat(sink.ends()).as("the stale session ended before the newcomer was told to start").isEqualTo(1);
                fresh.push(60);
                fresh.stop();
            }
        }
        sink.awaitEnds(2, WAIT);
        List<Object> events = sink.events();
        assertThat(events.get(events.size() - 1)).isSameAs(CapturingSink.END);
        List<MediaPacket> second = sink.session(1);
        List<MediaPacket> video = CapturingSink.of(second, MediaKind.VIDEO);
        assertThat(video.size()).isBetween(59, 61);
        assertThat(video.get(0).keyframe()).isTrue();
        assertThat(video.get(0).dts()).isLessThan(9000);
        assertThat(listener.started).containsExactly("lobby", "lobby");
        assertThat(server.activePublishers()).isZero();
    }

    @Test
    void aWrongKeyIsRefusedAndTheClientSeesIt() throws Exception {
        ch.qos.logback.classic.Logger handshakeLog = (ch.qos.logback.classic.Logger)
                org.slf4j.LoggerFactory.getLogger(dev.amphi.ingest.rtmp.handshake.HandshakeHandler.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events =
                new ch.qos.logback.core.read.ListAppender<>();
        events.start();
        handshakeLog.addAppender(events);
        handshakeLog.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try (FfmpegPublisher p = new FfmpegPublisher(url("wrong"))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.start().push(30))
                    .isInstanceOf(org.bytedeco.javacv.FrameRecorder.Exception.class);
        } finally {
            handshakeLog.setLevel(null);
            handshakeLog.detachAppender(events);
        }
        assertThat(events.list).as("FFmpeg sends a digest-style C1, which the server validated")
                .anyMatch(e -> e.getFormattedMessage().contains("DIGEST_SCHEME_0 handshake"));
        assertThat(authorizer.requests).singleElement().satisfies(r -> assertThat(r.streamKey()).isEqualTo("wrong"));
        assertThat(server.activePublishers()).isZero();
        // and a good publisher right after still works
        try (FfmpegPublisher p = new FfmpegPublisher(url("secret")).start()) {
            p.push(30);
            p.stop();
        }
        authorizer.sink("lobby").awaitEnds(1, WAIT);
        assertThat(CapturingSink.of(authorizer.sink("lobby").session(0), MediaKind.VIDEO)).hasSizeBetween(29, 31);
    }

    @Test
    void mp3AudioFromFfmpegIsRefusedNamingTheCodecAndAGoodPublisherStillWorks() throws Exception {
        try (FfmpegPublisher p = new FfmpegPublisher(url("secret"), org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MP3)) {
            p.start();
            try {
                p.push(90);
                p.stop();
            } catch (org.bytedeco.javacv.FrameRecorder.Exception expected) {
                // the server closed the connection
            }
        }
        assertThat(listener.awaitError("unsupported codec MP3", WAIT)).isNotBlank();
        CapturingSink sink = authorizer.sink("lobby");
        sink.awaitEnds(1, WAIT);
        assertThat(CapturingSink.of(sink.session(0), MediaKind.AUDIO)).isEmpty();
        try (FfmpegPublisher p = new FfmpegPublisher(url("secret")).start()) {
            p.push(30);
            p.stop();
        }
        sink.awaitEnds(2, WAIT);
        assertThat(CapturingSink.of(sink.session(1), MediaKind.VIDEO)).hasSizeBetween(29, 31);
        assertThat(CapturingSink.of(sink.session(1), MediaKind.AUDIO)).isNotEmpty();
    }

    static void assertMonotonic(List<MediaPacket> packets) {
        for (int i = 1; i < packets.size(); i++) {
            assertThat(packets.get(i).dts()).as("dts of packet " + i).isGreaterThanOrEqualTo(packets.get(i - 1).dts());
        }
    }
}
