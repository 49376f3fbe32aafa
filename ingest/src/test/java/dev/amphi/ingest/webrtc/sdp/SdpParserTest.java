package dev.amphi.ingest.webrtc.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the parser makes of good descriptions, and what it tolerates. */
class SdpParserTest {

    @Test
    void readsSessionLevelTransportAsObsWritesIt() {
        SessionDescription d = Sdp.parse(SdpTestData.resource("obs-whip.offer.sdp"));
        assertThat(d.transport().iceUfrag()).isEqualTo("Tb2k");
        assertThat(d.transport().iceOptions()).containsExactly("ice2,trickle");
        assertThat(d.transport().setup()).isEqualTo(Setup.ACTPASS);
        assertThat(d.groups()).extracting(Group::semantics).containsExactly("BUNDLE", "LS");
        MediaDescription video = d.media().get(1);
        assertThat(video.transport().iceUfrag()).isNull();
        assertThat(d.transportOf(video).iceUfrag()).isEqualTo("Tb2k");
        assertThat(video.port()).isEqualTo(50412);
        assertThat(video.direction()).isEqualTo(Direction.SENDONLY);
        assertThat(video.fmtpParameters(96)).containsExactly(entry("profile-level-id", "42e01f"),
                entry("packetization-mode", "1"), entry("level-asymmetry-allowed", "1"));
        assertThat(d.media().get(0).candidates()).extracting(Candidate::type).containsExactly("host", "srflx");
        assertThat(d.media().get(0).candidates().get(1).priority()).isEqualTo(1686109951L);
    }

    @Test
    void readsChromiumMediaSections() {
        SessionDescription d = Sdp.parse(SdpTestData.resource("chrome-sendrecv.offer.sdp"));
        MediaDescription video = d.media().get(1);
        assertThat(video.formats()).hasSize(23).startsWith("96", "97", "102");
        assertThat(video.rtpMaps().get(104)).isEqualTo(new RtpMap(104, "H264", 90000, 1));
        assertThat(d.media().get(0).rtpMaps().get(111)).isEqualTo(new RtpMap(111, "opus", 48000, 2));
        assertThat(video.extmaps()).contains(new Extmap(13, null, "urn:3gpp:video-orientation"));
        assertThat(video.ssrcGroups()).containsExactly(new SsrcGroup("FID", List.of(2206481735L, 3991822604L)));
        assertThat(video.ssrcs()).contains(new SsrcAttribute(3991822604L, "cname", "Zk3pW9xQa1bC7dEf"));
        assertThat(video.msid()).isEqualTo("7c1d4f0e-2b8a-4c55-9d1e-3f6a0b2c9e11 b8c9d0e1-2222-4333-8444-a55566667777");
        assertThat(video.rtcpMux()).isTrue();
        assertThat(video.rtcpRsize()).isTrue();
        assertThat(video.transport().fingerprints()).hasSize(1);
        // attributes Amphi does not interpret are kept as written
        assertThat(d.attributes()).contains(new Attribute(6, "extmap-allow-mixed", null),
                new Attribute(7, "msid-semantic", " WMS 7c1d4f0e-2b8a-4c55-9d1e-3f6a0b2c9e11"));
        assertThat(video.attributes()).extracting(Attribute::name).contains("rtcp", "ice-options");
    }

    @Test
    void lfAndCrlfLineEndingsReadTheSame() {
        String crlf = SdpTestData.resource("chrome-sendrecv.offer.sdp");
        assertThat(crlf).contains("\r\n");
        assertThat(Sdp.parse(crlf.replace("\r\n", "\n"))).isEqualTo(Sdp.parse(crlf));
        String lf = SdpTestData.resource("firefox-sendonly.offer.sdp");
        assertThat(lf).doesNotContain("\r");
        assertThat(Sdp.parse(lf).media()).hasSize(3);
    }

    @Test
    void readsExtmapDirectionsAndNonRtpFormats() {
        SessionDescription d = Sdp.parse(SdpTestData.resource("firefox-sendonly.offer.sdp"));
        assertThat(d.media().get(0).extmaps())
                .contains(new Extmap(2, Direction.RECVONLY, "urn:ietf:params:rtp-hdrext:csrc-audio-level"));
        MediaDescription data = d.media().get(2);
        assertThat(data.proto()).isEqualTo("UDP/DTLS/SCTP");
        assertThat(data.formats()).containsExactly("webrtc-datachannel");
        assertThat(d.transportOf(data).fingerprints()).extracting(Fingerprint::algorithm).containsExactly("sha-256");
    }

    @Test
    void readsSimulcastAndRidsWithoutInterpretingThem() {
        String sdp = SdpTestData.MINIMAL.replace("m=audio 9 UDP/TLS/RTP/SAVPF 111", "m=video 9 UDP/TLS/RTP/SAVPF 96")
                .replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:96 VP8/90000")
                .replace("a=fmtp:111 minptime=10;useinbandfec=1",
                        "a=rid:q send\r\na=rid:h send\r\na=simulcast:send q;h");
        MediaDescription m = Sdp.parse(sdp).media().get(0);
        assertThat(m.rids()).containsExactly("q send", "h send");
        assertThat(m.simulcast()).isEqualTo("send q;h");
    }

    @Test
    void toleratesTrailingBlankLinesAndNoFinalNewline() {
        String m = SdpTestData.MINIMAL;
        SessionDescription expected = Sdp.parse(m);
        assertThat(Sdp.parse(m + "\r\n\r\n")).isEqualTo(expected);
        assertThat(Sdp.parse(m.substring(0, m.length() - 2))).isEqualTo(expected);
    }

    @Test
    void readsARequestBodyAsStrictUtf8WithinTheByteLimit() {
        byte[] body = SdpTestData.MINIMAL.replace("s=-", "s=Hörsaal").getBytes(StandardCharsets.UTF_8);
        assertThat(Sdp.parse(body, SdpLimits.DEFAULTS).sessionName()).isEqualTo("Hörsaal");
        byte[] latin1 = SdpTestData.MINIMAL.replace("s=-", "s=Hörsaal").getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> Sdp.parse(latin1, SdpLimits.DEFAULTS))
                .hasMessage("the description is not valid UTF-8");
        assertThatThrownBy(() -> Sdp.parse(new byte[10 * 1024 * 1024], SdpLimits.DEFAULTS))
                .hasMessage("the description is 10485760 bytes long; the limit is 65536");
    }

    @Test
    void acceptsADescriptionOfExactlyTheLimit() {
        SdpLimits limits = new SdpLimits(1024, 2, 1024);
        String m = SdpTestData.MINIMAL;
        String padded = m + "a=x-pad:" + "p".repeat(1024 - m.length() - 10) + "\r\n";
        assertThat(padded).hasSize(1024);
        assertThat(Sdp.parse(padded, limits).media()).hasSize(1);
        assertThatThrownBy(() -> Sdp.parse(padded + "x", limits))
                .hasMessage("the description is 1025 characters long; the limit is 1024");
    }
}
