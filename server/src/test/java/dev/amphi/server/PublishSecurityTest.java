package dev.amphi.server;

import static dev.amphi.server.TestSupport.get;
import static dev.amphi.server.TestSupport.httpUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.amphi.ingest.rtmp.testing.RawRtmpClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a publisher, and whoever scrapes {@code /metrics}, sees of the publish path's guards: bad
 * speaker names are refused with a clear reason, refused keys are not sent back, refusals are
 * counted, and the publisher gauge reads a number.
 */
class PublishSecurityTest {

    private static final String PANEL_KEY = "panel-stream-key-0123";
    private static final String HALL_KEY = "hall-stream-key-0123";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dataDir;
    static AmphiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestSupport.start(dataDir, "--room-mode", "composite", "--room", "panel=" + PANEL_KEY, "--room", "hall=" + HALL_KEY,
                "--passthrough", "hall", "--canvas", "320x180", "--ladder", "180p:320x180:200k", "--preset", "ultrafast");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** One publish attempt; returns {code, description}; the connection is closed on return. */
    private static String[] publish(String name) throws Exception {
        try (RawRtmpClient c = RawRtmpClient.open(server.rtmpPort()).handshake()) {
            c.connect("live");
            return c.publish(c.createStream(), name);
        }
    }

    /** The value of one sample of {@code /metrics}, e.g. {@code amphi_rtmp_publishers}. */
    private static double metric(String sample) {
        String body = get(httpUrl(server, "/metrics")).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(body);
        assertThat(m.find()).as(sample + " in /metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void badSpeakerNamesAreRefusedWithAClearReasonThatDoesNotRepeatThem() throws Exception {
        for (String name : new String[] {"../../x", "<script>alert(1)</script>", "Ada\tLovelace"}) {
            String[] status = publish(PANEL_KEY + "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
            assertThat(status[0]).as(name).isEqualTo("NetStream.Publish.BadName");
            assertThat(status[1]).as(name).isEqualTo("a speaker name (?name=) may only have letters, digits, spaces and - _ . ' ’ ( )");
        }
        assertThat(publish(PANEL_KEY + "?name=" + "x".repeat(65))[1]).isEqualTo("a speaker name (?name=) has at most 64 characters");
        assertThat(publish(PANEL_KEY + "?name=" + URLEncoder.encode("Zoë Ødegård", StandardCharsets.UTF_8))[0])
                .isEqualTo("NetStream.Publish.Start");
        await().atMost(WAIT).until(() -> server.programRooms().stream().filter(p -> p.room().name().equals("panel")).findFirst()
                .flatMap(ProgramRoom::program).map(p -> p.speakers().contains("zoë ødegård")).orElse(false));
    }

    @Test
    void aRefusedKeyIsNotSentBackAndRefusalsAreCounted() throws Exception {
        double before = metric("amphi_rtmp_publish_refused_total{reason=\"wrong-key\"}");
        String guess = "guessed-key-0123456789";
        String[] status = publish(guess);
        assertThat(status).containsExactly("NetStream.Publish.BadName", "unknown stream key");
        assertThat(metric("amphi_rtmp_publish_refused_total{reason=\"wrong-key\"}")).isEqualTo(before + 1);
        assertThat(metric("amphi_rtmp_publish_refused_total{reason=\"throttled\"}")).isZero();
    }

    @Test
    void thePublisherGaugeReadsANumberAfterGarbageCollection() throws Exception {
        try (RawRtmpClient c = RawRtmpClient.open(server.rtmpPort()).handshake()) {
            c.connect("live");
            assertThat(c.publish(c.createStream(), HALL_KEY)[0]).isEqualTo("NetStream.Publish.Start");
            for (int i = 0; i < 3; i++) {
                System.gc(); // a gauge whose object is only weakly held reads NaN once it is collected
            }
            assertThat(metric("amphi_rtmp_publishers")).isEqualTo(1.0);
            assertThat(metric("amphi_rooms_live")).isNotNaN();
        }
        await().atMost(WAIT).until(() -> metric("amphi_rtmp_publishers") == 0.0);
    }
}
