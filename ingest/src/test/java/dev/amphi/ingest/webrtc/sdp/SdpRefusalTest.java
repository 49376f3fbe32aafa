package dev.amphi.ingest.webrtc.sdp;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad offers, one table: each is parsed and answered and must fail with exactly its message (what
 * the WHIP endpoint sends back with its 400).
 */
class SdpRefusalTest {

    record Row(String name, String sdp, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String M = SdpTestData.MINIMAL;

    /** {@link SdpTestData#MINIMAL} with its line {@code line} replaced ("" removes it). */
    static String replace(String line, String with) {
        String crlf = line + "\r\n";
        if (!M.contains(crlf)) {
            throw new IllegalArgumentException("no line " + line);
        }
        return M.replace(crlf, with.isEmpty() ? "" : with + "\r\n");
    }

    static Stream<Row> table() {
        String nine = "m=audio 9 UDP/TLS/RTP/SAVPF 111";
        return Stream.of(
                new Row("missing v=", M.substring(M.indexOf("o=")), "line 1: a session description starts with v=0"),
                new Row("v=1", M.replace("v=0", "v=1"), "line 1: a session description starts with v=0"),
                new Row("empty", "", "the description is empty"),
                new Row("blank", " \r\n\r\n", "the description is empty"),
                new Row("binary garbage", "\u0000\u0001\u0002PNG", "line 1: control character 0x00 at column 1"),
                new Row("HTML instead of SDP", "<html><body>hi</body></html>",
                        "line 1: not a <letter>=<value> line: '<html><body>hi</body></html>'"),
                new Row("m= without port", replace(nine, "m=audio UDP/TLS/RTP/SAVPF 111"),
                        "line 10: m= line needs 4 fields (media port proto formats), has 3"),
                new Row("non-numeric port", replace(nine, "m=audio nine UDP/TLS/RTP/SAVPF 111"),
                        "line 10: m= port 'nine' is not a number 0-65535"),
                new Row("port too large", replace(nine, "m=audio 70000 UDP/TLS/RTP/SAVPF 111"),
                        "line 10: m= port '70000' is not a number 0-65535"),
                new Row("non-numeric payload type", replace(nine, "m=audio 9 UDP/TLS/RTP/SAVPF opus"),
                        "line 10: payload type 'opus' is not a number 0-127"),
                new Row("payload type over 127", replace(nine, "m=audio 9 UDP/TLS/RTP/SAVPF 128"),
                        "line 10: payload type '128' is not a number 0-127"),
                new Row("over-long line", replace("a=sendonly", "a=x-long:" + "A".repeat(5000)),
                        "line 13: longer than 4096 characters"),
                new Row("10 MB input", "v=0\r\n" + "a=x\r\n".repeat(2 * 1024 * 1024),
                        "the description is 10485765 characters long; the limit is 65536"),
                new Row("33 media sections", M + ("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n").repeat(33),
                        "line 48: more than 32 media sections"),
                new Row("unknown line type", replace("s=-", "s=-\r\nx=1"), "line 4: unknown line type 'x='"),
                new Row("no o=", replace("o=- 1 0 IN IP4 127.0.0.1", ""), "line 9: m= line before the session's o= line"),
                new Row("no t= and no media", "v=0\r\no=- 1 0 IN IP4 127.0.0.1\r\ns=-\r\n",
                        "the description has no t= line"),
                new Row("short o=", replace("o=- 1 0 IN IP4 127.0.0.1", "o=- 1 0"),
                        "line 2: o= line needs 6 fields (username sess-id sess-version nettype addrtype address)"),
                new Row("empty line inside", replace("s=-", "s=-\r\n"), "line 4: empty line"),
                new Row("second mid", replace("a=mid:0", "a=mid:0\r\na=mid:1"),
                        "line 13: second a=mid in the media section"),
                new Row("duplicate mid across sections", M + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n",
                        "line 17: a=mid:0 is already the mid of the m= section of line 10"),
                new Row("BUNDLE names a missing mid", replace("a=group:BUNDLE 0", "a=group:BUNDLE 0 1"),
                        "line 5: a=group:BUNDLE names mid '1' that no media section has"),
                new Row("rtpmap without clock rate", replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:111 opus"),
                        "line 15: a=rtpmap needs '<payload type> <encoding>/<clock rate>[/<channels>]'"),
                new Row("short ice-ufrag", replace("a=ice-ufrag:abcd", "a=ice-ufrag:ab"),
                        "line 6: a=ice-ufrag must be 4-256 characters of A-Z a-z 0-9 + /"),
                new Row("short fingerprint", replace("a=fingerprint:sha-256 " + SdpTestData.FINGERPRINT,
                        "a=fingerprint:sha-256 AB:CD"), "line 8: a=fingerprint sha-256 needs 32 bytes, has 2"),
                new Row("bad setup", replace("a=setup:actpass", "a=setup:server"),
                        "line 9: a=setup must be actpass, active, passive or holdconn, was 'server'"),
                new Row("control character", replace("s=-", "s=a\u0007b"), "line 3: control character 0x07 at column 4"),
                new Row("no fingerprint", replace("a=fingerprint:sha-256 " + SdpTestData.FINGERPRINT, ""),
                        "no media section can be accepted: mid 0 (audio): it has no a=fingerprint with sha-256,"
                                + " sha-384 or sha-512 (DTLS-SRTP is required)"),
                new Row("sha-1 fingerprint only", replace("a=fingerprint:sha-256 " + SdpTestData.FINGERPRINT,
                        "a=fingerprint:sha-1 " + SdpTestData.FINGERPRINT.substring(0, 59)),
                        "no media section can be accepted: mid 0 (audio): it has no a=fingerprint with sha-256,"
                                + " sha-384 or sha-512 (DTLS-SRTP is required)"),
                new Row("no ice-ufrag", replace("a=ice-ufrag:abcd", ""),
                        "no media section can be accepted: mid 0 (audio): it has no a=ice-ufrag and a=ice-pwd"),
                new Row("no rtcp-mux", replace("a=rtcp-mux", ""),
                        "no media section can be accepted: mid 0 (audio): it has no a=rtcp-mux"
                                + " (RTCP must share the media port)"),
                new Row("no BUNDLE group", replace("a=group:BUNDLE 0", ""),
                        "no media section can be accepted: mid 0 (audio): it is not in the offer's BUNDLE group"
                                + " (all media share one transport)"),
                new Row("no mid", replace("a=group:BUNDLE 0", "").replace("a=mid:0\r\n", ""),
                        "no media section can be accepted: the m= section of line 9 (audio): it has no a=mid"),
                new Row("setup passive", replace("a=setup:actpass", "a=setup:passive"),
                        "no media section can be accepted: mid 0 (audio): a=setup:passive is not supported:"
                                + " the server is the DTLS server (offer actpass or active)"),
                new Row("plain RTP", M.replace("UDP/TLS/RTP/SAVPF", "RTP/AVP"),
                        "no media section can be accepted: mid 0 (audio): transport 'RTP/AVP' is not supported"
                                + " (UDP/TLS/RTP/SAVPF only)"),
                new Row("unsupported codecs only", replace(nine, "m=audio 9 UDP/TLS/RTP/SAVPF 9 0")
                        .replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:9 G722/8000\r\na=rtpmap:0 PCMU/8000"),
                        "no media section can be accepted: mid 0 (audio): no codec Amphi takes among G722/8000,"
                                + " PCMU/8000 (audio: Opus 48000/2)"),
                new Row("H.264 packetization-mode 0 only", replace(nine, "m=video 9 UDP/TLS/RTP/SAVPF 102")
                        .replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:102 H264/90000")
                        .replace("a=fmtp:111 minptime=10;useinbandfec=1",
                                "a=fmtp:102 packetization-mode=0;profile-level-id=42e01f"),
                        "no media section can be accepted: mid 0 (video): no codec Amphi takes among H264/90000"
                                + " (video: H.264 packetization-mode=1 Constrained Baseline, Baseline or"
                                + " Constrained High, or VP8)"),
                new Row("offer disabled its only section", replace(nine, "m=audio 0 UDP/TLS/RTP/SAVPF 111"),
                        "no media section can be accepted: mid 0 (audio): the offer disabled it (port 0)"),
                new Row("offerer is ICE-lite", replace("s=-", "s=-\r\na=ice-lite"),
                        "the offer is ICE-lite like the server; one side must be a full ICE agent"),
                new Row("no media", M.substring(0, M.indexOf("m=")).replace("a=group:BUNDLE 0\r\n", ""),
                        "the offer has no media sections"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void refusesWithItsMessage(Row row) {
        assertThatThrownBy(() -> Sdp.answer(Sdp.parse(row.sdp()), SdpTestData.SERVER))
                .isInstanceOf(SdpException.class)
                .hasMessage(row.message());
    }
}
