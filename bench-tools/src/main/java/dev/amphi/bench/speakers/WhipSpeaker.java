package dev.amphi.bench.speakers;

import dev.amphi.ingest.webrtc.transport.TestClientLoop;
import dev.amphi.ingest.webrtc.transport.TestWebRtcClient;
import dev.amphi.media.MediaPacket;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A WebRTC speaker as OBS's WHIP output or the speaker page joins: an SDP offer POSTed to the room's
 * WHIP endpoint, the answer's ICE credentials, fingerprint and candidate used by a
 * {@link TestWebRtcClient} (STUN nomination, DTLS, SRTP) read by a shared {@link TestClientLoop}.
 * A receiving speaker offers sendrecv and gets the interactive rendition and the mix back (counted,
 * not decoded); the others offer sendonly. Audio carries the RTP audio level: about -20 dBov while
 * talking, 127 (silence) otherwise, as a browser fills it.
 */
final class WhipSpeaker implements LoadSpeaker {

    static final int TALKING_LEVEL = 20;

    private final TestWebRtcClient client;
    private final HttpClient http;
    private final URI location;
    private final String key;

    private WhipSpeaker(TestWebRtcClient client, HttpClient http, URI location, String key) {
        this.client = client;
        this.http = http;
        this.location = location;
        this.key = key;
    }

    static WhipSpeaker join(HttpClient http, String baseUrl, String room, String key, String name, boolean receive,
            TestClientLoop loop) throws Exception {
        TestWebRtcClient client = new TestWebRtcClient(loop).light();
        try {
            URI whip = URI.create(baseUrl + "/api/rooms/" + room + "/whip?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(whip).timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/sdp")
                    .POST(HttpRequest.BodyPublishers.ofString(client.offer(receive ? "sendrecv" : "sendonly"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IOException("WHIP " + name + ": " + r.statusCode() + " " + r.body().strip());
            }
            URI location = whip.resolve(r.headers().firstValue("Location").orElseThrow());
            client.connect(r.body());
            return new WhipSpeaker(client, http, location, key);
        } catch (Exception e) {
            client.close();
            throw e;
        }
    }

    @Override
    public void sendVideo(MediaPacket packet) throws IOException {
        client.sendVideo(packet);
    }

    @Override
    public void sendAudio(MediaPacket packet, boolean talking) throws IOException {
        client.sendAudio(packet, talking ? TALKING_LEVEL : MediaPacket.SILENT_AUDIO_LEVEL);
    }

    long rtpReceived() {
        return client.rtpPackets.get();
    }

    long rtpBytesReceived() {
        return client.rtpBytes.get();
    }

    long plisReceived() {
        return client.plisReceived.get();
    }

    long nacksReceived() {
        return client.nacksReceived.get();
    }

    long retransmitted() {
        return client.retransmitted.get();
    }

    long sendDropped() {
        return client.sendDropped.get();
    }

    boolean dtlsClosed() {
        return client.dtlsClosed;
    }

    /** Leaves as a WHIP client does (DELETE of the session), then closes the connection. */
    @Override
    public void close() {
        try {
            http.send(HttpRequest.newBuilder(location).timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + key)
                    .DELETE().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // the server is gone: closing anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
