package dev.amphi.ingest.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.ingest.webrtc.rtp.RtpHeaderExtension.Element;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Packets Chromium 156 sent between two of its own peer connections (fake camera and microphone,
 * media encryption switched off so RTP and RTCP are readable), captured on the loopback
 * interface; see {@code src/test/resources/dev/amphi/ingest/webrtc/rtp/chromium/README.md}. Its
 * offer numbered the extensions: 1 audio level, 2 abs-send-time, 3 transport-wide sequence number,
 * 4 MID, 7 video timing, 8 color space, 13 video orientation.
 */
class RtpChromiumCaptureTest {

    static byte[] load(String name) {
        try (InputStream in = RtpChromiumCaptureTest.class.getResourceAsStream("chromium/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture chromium/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RtpPacket rtp(String name) {
        byte[] wire = load(name);
        RtpPacket p = RtpPacket.parse(wire);
        assertThat(Hex.of(p.write())).as("written back byte for byte").isEqualTo(Hex.of(wire));
        return p;
    }

    @Test
    void opusSilenceCarriesAudioLevel127() {
        RtpPacket p = rtp("rtp-opus-silence.bin");
        assertThat(p.payloadType()).isEqualTo(111);
        assertThat(p.sequenceNumber()).isEqualTo(21816);
        assertThat(p.timestamp()).isEqualTo(3563539718L);
        assertThat(p.ssrc()).isEqualTo(0x0aeeffd8);
        assertThat(p.marker()).isFalse();
        assertThat(p.extension().profile()).isEqualTo(RtpHeaderExtension.ONE_BYTE_PROFILE);
        assertThat(p.extension().elements()).extracting(Element::id).containsExactly(2, 3, 4, 1);
        assertThat(p.audioLevel(1)).contains(new AudioLevel(true, 127));
        assertThat(p.transportSequenceNumber(3)).isEqualTo(209);
        assertThat(new String(p.extension().find(4).orElseThrow().data(), StandardCharsets.US_ASCII)).isEqualTo("0");
        assertThat(Hex.of(p.payload())).isEqualTo("f8fffe"); // an Opus frame of silence
    }

    @Test
    void opusToneCarriesALoudAudioLevel() {
        RtpPacket p = rtp("rtp-opus-tone.bin");
        assertThat(p.audioLevel(1)).contains(new AudioLevel(true, 8));
        assertThat(p.transportSequenceNumber(3)).isEqualTo(0x39);
        assertThat(p.payloadLength()).isEqualTo(117 - 12 - 16);
    }

    @Test
    void videoPacketEndsItsFrameWithTheMarker() {
        RtpPacket p = rtp("rtp-video-pt118.bin");
        assertThat(p.payloadType()).isEqualTo(118);
        assertThat(p.marker()).isTrue();
        assertThat(p.transportSequenceNumber(3)).isEqualTo(22);
        assertThat(p.audioLevel(1)).isEmpty();
    }

    @Test
    void videoPacketWithSixExtensionsInEightWords() {
        RtpPacket p = rtp("rtp-video-pt119-many-extensions.bin");
        assertThat(p.extension().data()).hasSize(32);
        assertThat(p.extension().elements()).extracting(Element::id).containsExactly(2, 13, 3, 7, 8, 4);
        assertThat(p.extension().find(7).orElseThrow().data()).hasSize(13);
        assertThat(p.transportSequenceNumber(3)).isEqualTo(13);
    }

    @Test
    void paddingOnlyProbeOnTheRetransmissionStream() {
        RtpPacket p = rtp("rtp-rtx-padding.bin");
        assertThat(p.payloadType()).isEqualTo(97);
        assertThat(p.paddingLength()).isEqualTo(255);
        assertThat(p.payloadLength()).isZero();
        assertThat(p.transportSequenceNumber(3)).isEqualTo(5);
    }

    @Test
    void transportCcFeedbackOfTenAudioPackets() {
        byte[] wire = load("rtcp-transport-cc.bin");
        TransportCcFeedback f = (TransportCcFeedback) Rtcp.parse(wire).get(0);
        assertThat(f.senderSsrc()).isEqualTo(0xfa17fa17);
        assertThat(f.mediaSsrc()).isEqualTo(0x0aeeffd8);
        assertThat(f.baseSequence()).isEqualTo(633);
        assertThat(f.packetStatusCount()).isEqualTo(10);
        assertThat(f.referenceTime()).isEqualTo(0x03b845);
        assertThat(f.feedbackCount()).isEqualTo(0x75);
        assertThat(f.deltas()).containsExactly(0x52, 0, 0, 0, 0, 0, 0, 0x0f, 0, 4);
        assertThat(Hex.of(Rtcp.write(f))).isEqualTo(Hex.of(wire));
    }

    @Test
    void paddedTransportCcFeedbackOfNineteenVideoPackets() {
        byte[] wire = load("rtcp-transport-cc-padded.bin");
        TransportCcFeedback f = (TransportCcFeedback) Rtcp.parse(wire).get(0);
        assertThat(wire[0] & 0x20).as("padding bit").isNotZero();
        assertThat(f.packetStatusCount()).isEqualTo(19);
        assertThat(f.arrivals()).hasSize(19).extracting(TransportCcFeedback.Arrival::sequence).startsWith(21, 22);
        assertThat(Hex.of(Rtcp.write(f))).isEqualTo(Hex.of(wire));
    }

    @Test
    void senderReportAndSdesComeOutOfTheCompoundAndItsExtendedReportIsSkipped() {
        byte[] wire = load("rtcp-sr-sdes-xr.bin");
        List<RtcpPacket> packets = Rtcp.parse(wire);
        assertThat(packets).containsExactly(
                new SenderReport(0x42645466, 0xeec148c6b26d4801L, 0xbc3c9fb7L, 69, 40729, List.of()),
                new SourceDescription(List.of(SourceDescription.Chunk.cname(0x42645466, "zAzOBx9UOuqwUIWV"))));
        assertThat(Rtcp.write(packets)).isEqualTo(Arrays.copyOf(wire, 56)); // all but the 24-byte XR
    }

    @Test
    void receiverReportAboutTwoVideoStreams() {
        byte[] wire = load("rtcp-rr-xr.bin");
        List<RtcpPacket> packets = Rtcp.parse(wire);
        assertThat(packets).containsExactly(new ReceiverReport(1, List.of(
                new ReportBlock(0x5e693d53, 0, 0, 0x2a4d, 0x727, 0, 0),
                new ReportBlock(0x42645466, 0, 0, 0x521b, 0x5e, 0, 0))));
        assertThat(Rtcp.write(packets)).isEqualTo(Arrays.copyOf(wire, 56));
    }
}
