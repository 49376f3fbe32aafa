package dev.amphi.server;

import static dev.amphi.server.TestSupport.await;
import static dev.amphi.server.TestSupport.httpUrl;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WHIP endpoint as an encoder (OBS's WHIP output) and a hostile client see it: a send-only
 * offer gets 201, the answer, a Location to DELETE and the ICE servers as Link headers; a missing
 * or wrong key, an unknown room, a wrong content type, an oversized or malformed offer, a full or
 * passthrough room each get their own 4xx with a reason, and nothing is left behind.
 */
class WhipRoutesTest {

    private static final String KEY = "panel-stream-key-0123";
    private static final String TINY_KEY = "tiny-stream-key-01234";
    private static final String PASS_KEY = "pass-stream-key-01234";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** An offer shaped like OBS 30's WHIP output: send-only Opus and H.264, all candidates in it. */
    static final String OBS_OFFER = String.join("\r\n",
            "v=0", "o=rtc 2790413315 0 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0 1", "a=msid-semantic:WMS *",
            "a=setup:actpass", "a=ice-ufrag:Tb2k", "a=ice-pwd:Fq8LmZ3rYx1WcN7vKp0sHd", "a=ice-options:ice2,trickle",
            "a=fingerprint:sha-256 9C:04:E7:3A:51:BD:28:6F:C0:93:1D:84:FA:62:0B:E5:47:A9:3D:C8:70:16:5E:B2:8F:D1:29:6C:04:BA:E3:57",
            "m=audio 50412 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 127.0.0.1", "a=mid:0", "a=sendonly",
            "a=ssrc:2583006167 cname:hR4sT8uVwX2yZ6aB", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2",
            "a=fmtp:111 minptime=10;useinbandfec=1", "a=candidate:1 1 UDP 2122317823 127.0.0.1 50412 typ host",
            "a=end-of-candidates", "m=video 50412 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 127.0.0.1", "a=mid:1", "a=sendonly",
            "a=ssrc:3104776521 cname:hR4sT8uVwX2yZ6aB", "a=rtcp-mux", "a=rtpmap:96 H264/90000", "a=rtcp-fb:96 nack",
            "a=rtcp-fb:96 nack pli", "a=fmtp:96 profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1", "");

    @TempDir
    static Path dataDir;
    @TempDir
    static Path offDir;
    static AmphiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestSupport.start(dataDir, "--room-mode", "composite", "--room", "panel=" + KEY, "--room", "tiny=" + TINY_KEY,
                "--room", "pass=" + PASS_KEY, "--passthrough", "pass", "--room-setting", "tiny.max-speakers=1",
                "--canvas", "320x180", "--ladder", "180p:320x180:200k", "--preset", "ultrafast",
                "--ice-servers", "stun:stun.example.net:3478, turn:turn.example.net:3478?transport=udp;username=amphi;credential=pw");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static HttpResponse<String> send(String method, String path, String auth, String type, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(httpUrl(server, path))).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        if (type != null) {
            b.header("Content-Type", type);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> offer(String path, String key, String sdp) throws Exception {
        return send("POST", path, "Bearer " + key, "application/sdp", sdp);
    }

    @Test
    void anEncodersSendOnlyOfferIsAnsweredAndItsSessionEndsWithDelete() throws Exception {
        HttpResponse<String> r = offer("/api/rooms/panel/whip?name=OBS%20Studio", KEY, OBS_OFFER);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/sdp");
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).matches("/api/rooms/panel/whip/[A-Za-z0-9+/]+");
        assertThat(r.headers().allValues("Link")).containsExactly(
                "<stun:stun.example.net:3478>; rel=\"ice-server\"",
                "<turn:turn.example.net:3478?transport=udp>; rel=\"ice-server\"; username=\"amphi\"; credential=\"pw\"; "
                        + "credential-type=\"password\"");
        assertThat(r.body()).contains("a=ice-lite", "a=setup:passive", "a=recvonly", "opus/48000/2", "H264/90000")
                .contains("127.0.0.1 " + server.webrtcPort() + " typ host");
        assertThat(server.webrtc().calls()).extracting(c -> c.speakerId).containsExactly("obs studio");

        assertThat(send("DELETE", location, "Bearer wrong-key-0123456789", null, null).statusCode()).isEqualTo(401);
        assertThat(send("DELETE", location, "Bearer " + KEY, null, null).statusCode()).isEqualTo(200);
        await(Duration.ofSeconds(10), "the session gone", () -> server.webrtc().calls().isEmpty());
        assertThat(send("DELETE", location, "Bearer " + KEY, null, null).statusCode()).as("already ended").isEqualTo(404);
        assertThat(send("PATCH", location, "Bearer " + KEY, "application/trickle-ice-sdpfrag", "a=end-of-candidates").statusCode())
                .as("no trickle ICE").isEqualTo(405);
    }

    @Test
    void theSpeakerPageGetsTheIceServersAsJson() throws Exception {
        HttpResponse<String> r = send("GET", "/api/rooms/panel/ice-servers", "Bearer " + KEY, null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"iceServers\":[{\"urls\":[\"stun:stun.example.net:3478\"]},"
                + "{\"urls\":[\"turn:turn.example.net:3478?transport=udp\"],\"username\":\"amphi\",\"credential\":\"pw\"}]}");
        assertThat(send("GET", "/api/rooms/panel/ice-servers", null, null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void badRequestsGetTheirOwnStatusAndReason() throws Exception {
        HttpResponse<String> noKey = send("POST", "/api/rooms/panel/whip", null, "application/sdp", OBS_OFFER);
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(noKey.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        HttpResponse<String> wrong = offer("/api/rooms/panel/whip", TINY_KEY, OBS_OFFER);
        assertThat(wrong.statusCode()).as("another room's key").isEqualTo(401);
        assertThat(wrong.body()).contains("wrong key").doesNotContain(TINY_KEY);
        assertThat(offer("/api/rooms/ghost/whip", KEY, OBS_OFFER).statusCode()).isEqualTo(404);
        assertThat(send("POST", "/api/rooms/panel/whip", "Bearer " + KEY, "application/json", "{}").statusCode()).isEqualTo(415);
        assertThat(offer("/api/rooms/panel/whip", KEY, "v=0\r\n" + "a=x\r\n".repeat(20_000)).statusCode())
                .as("over 64 KiB").isEqualTo(413);
        HttpResponse<String> garbage = offer("/api/rooms/panel/whip", KEY, "hello, this is no SDP");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body()).startsWith("bad SDP offer");
        assertThat(offer("/api/rooms/panel/whip", KEY, "").statusCode()).isEqualTo(400);
        HttpResponse<String> noCodec = offer("/api/rooms/panel/whip", KEY, OBS_OFFER.replace("opus/48000/2", "G722/8000")
                .replace("H264/90000", "AV1/90000"));
        assertThat(noCodec.statusCode()).isEqualTo(400);
        HttpResponse<String> badName = offer("/api/rooms/panel/whip?name=%3Cscript%3E", KEY, OBS_OFFER);
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(badName.body()).contains("name");
        HttpResponse<String> pass = offer("/api/rooms/pass/whip", PASS_KEY, OBS_OFFER);
        assertThat(pass.statusCode()).isEqualTo(409);
        assertThat(pass.body()).contains("composited");
        assertThat(server.webrtc().calls()).as("nothing left behind by refusals").isEmpty();
    }

    @Test
    void aFullRoomAnswersConflict() throws Exception {
        HttpResponse<String> first = offer("/api/rooms/tiny/whip?name=One", TINY_KEY, OBS_OFFER);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        try {
            HttpResponse<String> second = offer("/api/rooms/tiny/whip?name=Two", TINY_KEY, OBS_OFFER);
            assertThat(second.statusCode()).isEqualTo(409);
            assertThat(second.body()).contains("full");
        } finally {
            send("DELETE", first.headers().firstValue("Location").orElseThrow(), "Bearer " + TINY_KEY, null, null);
        }
    }

    @Test
    void browsersOnOtherSitesMayUseIt() throws Exception {
        HttpResponse<String> pre = HTTP.send(HttpRequest.newBuilder(URI.create(httpUrl(server, "/api/rooms/panel/whip")))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://studio.example.org")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(pre.statusCode()).isBetween(200, 204);
        assertThat(pre.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST", "DELETE");
        HttpResponse<String> wrong = HTTP.send(HttpRequest.newBuilder(URI.create(httpUrl(server, "/api/rooms/panel/whip")))
                .POST(HttpRequest.BodyPublishers.ofString(OBS_OFFER)).header("Origin", "https://studio.example.org")
                .header("Content-Type", "application/sdp").header("Authorization", "Bearer nope-nope-nope-nope").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.headers().firstValue("Access-Control-Expose-Headers").orElse("")).contains("Location", "Link");
    }

    @Test
    void withWebRtcOffTheEndpointSaysSo() throws Exception {
        try (AmphiServer off = TestSupport.start(offDir, "--room", "panel=" + KEY, "--webrtc-udp-port", "off")) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(httpUrl(off, "/api/rooms/panel/whip")))
                    .POST(HttpRequest.BodyPublishers.ofString(OBS_OFFER)).header("Content-Type", "application/sdp")
                    .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("--webrtc-udp-port");
            assertThat(off.webrtcPort()).isEqualTo(-1);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
