package dev.amphi.server;

import static dev.amphi.server.TestSupport.await;
import static dev.amphi.server.TestSupport.httpUrl;
import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.ingest.webrtc.rtp.Remb;
import dev.amphi.ingest.webrtc.transport.PeerSession;
import dev.amphi.ingest.webrtc.transport.TestWebRtcClient;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.NalUnits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WebRTC speaker whose tile is off the picture is asked (REMB) for a trickle of video, and for
 * the room's full rate again once a layout change shows it: seen by a WHIP client as the server's
 * RTCP. The room: seven demo speakers, the speaker layout (one large tile, six in the strip), so
 * the eighth speaker to join has no tile until the host switches to the gallery.
 */
class WebRtcHiddenSpeakerTest {

    private static final String KEY = "panel-stream-key-0123";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dataDir;
    AmphiServer server;
    TestWebRtcClient client;

    @BeforeEach
    void start() throws Exception {
        server = TestSupport.start(dataDir, "--room-mode", "composite", "--room", "panel=" + KEY,
                "--room-setting", "panel.demo=7", "--room-setting", "panel.layout=speaker",
                "--canvas", "640x360", "--ladder", "360p:640x360:500k", "--preset", "ultrafast");
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> send(String method, String path, String type, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(httpUrl(server, path))).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", type)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private long lastRemb() {
        List<Remb> rembs = client.received(Remb.class);
        return rembs.isEmpty() ? -1 : rembs.get(rembs.size() - 1).bitrate();
    }

    @Test
    void aSpeakerWithoutATileIsAskedForATrickleUntilTheLayoutShowsIt() throws Exception {
        client = new TestWebRtcClient();
        HttpResponse<String> r = send("POST", "/api/rooms/panel/whip?name=Eighth", "application/sdp", client.offer("sendonly"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        client.connect(r.body());
        // one access unit makes the video stream known (a browser sends from the start); its tile is
        // hidden, so the program drops it before decoding
        byte[] idr = new byte[3000];
        idr[0] = 0x65;
        client.sendVideo(new MediaPacket(MediaKind.VIDEO, AvcConfig.of(List.of(HexFormat.of().parseHex("6742c01fd9")),
                List.of(HexFormat.of().parseHex("68ce3c80"))), 0, 0, true, NalUnits.toAvcc(List.of(idr))));

        await(TIMEOUT, "a REMB of at most 150 kbit/s for the hidden speaker",
                () -> lastRemb() > 0 && lastRemb() <= PeerSession.HIDDEN_VIDEO_BPS);

        assertThat(send("PUT", "/api/rooms/panel/layout", "application/json", "{\"layout\":\"gallery\"}").statusCode())
                .isEqualTo(204);
        // 640x360 at 30 fps: the room's floor of 300 kbit/s
        await(TIMEOUT, "the room's full rate once the gallery shows the speaker",
                () -> lastRemb() >= WebRtcSpeakers.MIN_SEND_BITRATE * 49 / 50);
    }
}
