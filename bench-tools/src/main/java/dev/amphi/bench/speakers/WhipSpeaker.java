package dev.amphi.bench.speakers;

import dev.amphi.ingest.webrtc.sdp.IceCredentials;
import dev.amphi.ingest.webrtc.sdp.ServerParameters;
import dev.amphi.ingest.webrtc.transport.TestClientLoop;
import dev.amphi.ingest.webrtc.transport.TestWebRtcClient;
import dev.amphi.media.MediaPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
            Answer a = Answer.parse(r.body());
            client.connect(a.parameters(), a.address());
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

    /** What the client needs from the server's SDP answer. */
    record Answer(ServerParameters parameters, InetSocketAddress address) {

        static Answer parse(String sdp) {
            String ufrag = null;
            String pwd = null;
            String fingerprint = null;
            String host = null;
            int port = 0;
            String kind = "";
            List<Long> audio = new ArrayList<>();
            List<Long> video = new ArrayList<>();
            for (String line : sdp.split("\r?\n")) {
                if (line.startsWith("m=")) {
                    kind = line.substring(2, line.indexOf(' '));
                } else if (line.startsWith("a=ice-ufrag:")) {
                    ufrag = line.substring(12);
                } else if (line.startsWith("a=ice-pwd:")) {
                    pwd = line.substring(10);
                } else if (line.startsWith("a=fingerprint:sha-256 ")) {
                    fingerprint = line.substring(22).strip();
                } else if (line.startsWith("a=candidate:") && host == null) {
                    String[] f = line.split(" ");
                    host = f[4];
                    port = Integer.parseInt(f[5]);
                } else if (line.startsWith("a=ssrc:")) {
                    long ssrc = Long.parseLong(line.substring(7, line.indexOf(' ')));
                    List<Long> into = kind.equals("audio") ? audio : video;
                    if (!into.contains(ssrc)) {
                        into.add(ssrc);
                    }
                }
            }
            if (ufrag == null || pwd == null || fingerprint == null || host == null) {
                throw new IllegalArgumentException("answer lacks ICE credentials, fingerprint or candidate:\n" + sdp);
            }
            long a = audio.isEmpty() ? 1 : audio.get(0);
            long v = video.isEmpty() ? 2 : video.get(0);
            long rtx = video.size() > 1 ? video.get(1) : 3;
            ServerParameters p = new ServerParameters(new IceCredentials(ufrag, pwd), fingerprint, port, List.of(host),
                    1, "bench", "bench", a, v, rtx);
            return new Answer(p, new InetSocketAddress(host, port));
        }
    }
}
