package dev.amphi.ingest.webrtc.sdp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Fixed server parameters (so answers are stable) and fixture loading for the SDP tests. */
final class SdpTestData {

    static final IceCredentials ICE = new IceCredentials("AmphiUfrag000001", "AmphiPassword0000000000000000001");
    static final String FINGERPRINT =
            "0F:1E:2D:3C:4B:5A:69:78:87:96:A5:B4:C3:D2:E1:F0:01:12:23:34:45:56:67:78:89:9A:AB:BC:CD:DE:EF:F0";
    static final ServerParameters SERVER = new ServerParameters(ICE, FINGERPRINT, 50000,
            List.of("203.0.113.10", "10.0.0.5"), 1234567890123L, "amphi-program", "amphi-room", 1111, 2222, 3333);

    /** A small valid OBS-shaped offer (audio only, transport at session level), CRLF. */
    static final String MINIMAL = String.join("\r\n",
            "v=0",
            "o=- 1 0 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE 0",
            "a=ice-ufrag:abcd",
            "a=ice-pwd:abcdefghijklmnopqrstuv",
            "a=fingerprint:sha-256 " + FINGERPRINT,
            "a=setup:actpass",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111",
            "c=IN IP4 0.0.0.0",
            "a=mid:0",
            "a=sendonly",
            "a=rtcp-mux",
            "a=rtpmap:111 opus/48000/2",
            "a=fmtp:111 minptime=10;useinbandfec=1",
            "");

    private SdpTestData() {
    }

    static String resource(String name) {
        try (InputStream in = SdpTestData.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
