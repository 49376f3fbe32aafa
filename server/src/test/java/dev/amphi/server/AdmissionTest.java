package dev.amphi.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.ingest.rtmp.testing.RawRtmpClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A room's speaker limit at its full size: 300 light RTMP publishers (the protocol only: handshake,
 * connect, createStream, publish, no encoder) are all admitted, the 301st gets
 * {@code NetStream.Publish.Rejected} saying the room is full, and a browser's WHIP join 409.
 */
class AdmissionTest {

    private static final String KEY = "admission-room-key-0123";

    @TempDir
    Path dataDir;

    @Test
    void theThreeHundredAndFirstSpeakerIsRefusedWithTheReason() throws Exception {
        List<RawRtmpClient> speakers = new ArrayList<>();
        try (AmphiServer server = TestSupport.start(dataDir, "--room-mode", "composite", "--room", "hall=" + KEY,
                "--canvas", "640x360", "--ladder", "180p:320x180:250k", "--preset", "ultrafast", "--max-speakers", "300",
                "--rtmp-max-connections-per-address", "0", "--rtmp-publish-timeout", "120s", "--idle-timeout", "120s")) {
            try {
                for (int i = 1; i <= 300; i++) {
                    RawRtmpClient c = RawRtmpClient.open(server.rtmpPort()).handshake();
                    speakers.add(c);
                    c.connect("live");
                    String[] status = c.publish(c.createStream(), KEY + "?name=speaker-" + i);
                    assertThat(status[0]).as("speaker %d: %s", i, status[1]).isEqualTo("NetStream.Publish.Start");
                }
                try (RawRtmpClient late = RawRtmpClient.open(server.rtmpPort()).handshake()) {
                    late.connect("live");
                    String[] status = late.publish(late.createStream(), KEY + "?name=one-too-many");
                    assertThat(status[0]).isEqualTo("NetStream.Publish.Rejected");
                    assertThat(status[1]).contains("room hall is full").contains("300 speakers");
                }
                HttpResponse<String> browser = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(TestSupport.httpUrl(server, "/api/rooms/hall/whip?name=Browser")))
                        .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/sdp")
                        .POST(HttpRequest.BodyPublishers.ofString(WhipRoutesTest.OBS_OFFER)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(browser.statusCode()).as(browser.body()).isEqualTo(409);
                assertThat(browser.body()).contains("full");
                assertThat(server.programRooms().stream().filter(p -> p.room().name().equals("hall")).findFirst().orElseThrow()
                        .stats().orElseThrow().speakers()).isEqualTo(300);
            } finally {
                for (RawRtmpClient c : speakers) {
                    c.close();
                }
            }
        }
    }
}
