package dev.amphi.ingest.webrtc.codec;

import dev.amphi.media.NalUnits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class H264PacketizerTest {

    static final byte[] SPS = hex("6742c01fd9");
    static final byte[] PPS = hex("68ce3c80");

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    static byte[] nal(int header, int size) {
        byte[] n = new byte[size];
        n[0] = (byte) header;
        for (int i = 1; i < size; i++) {
            n[i] = (byte) (i * 7 + size);
        }
        return n;
    }

    record Case(String name, List<byte[]> accessUnit, int mtu, List<String> payloads) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> handMade() {
        return Stream.of(
                new Case("single NAL unit as is", List.of(hex("410102")), 1200, List.of("410102")),
                new Case("SPS and PPS aggregated in one STAP-A, the IDR alone", List.of(SPS, PPS, hex("6588840a")), 17,
                        List.of("78" + "0005" + "6742c01fd9" + "0004" + "68ce3c80", "6588840a")),
                new Case("STAP-A header takes the highest NRI", List.of(hex("0601"), hex("2502")), 1200,
                        List.of("38" + "0002" + "0601" + "0002" + "2502")),
                new Case("FU-A fragments with start, middle, end", List.of(hex("651122334455")), 4,
                        List.of("7c851122", "7c053344", "7c4555")),
                new Case("large NAL fragmented, small one after it alone", List.of(hex("4111223344"), hex("0901")), 4,
                        List.of("5c811122", "5c413344", "0901")));
    }

    @ParameterizedTest
    @MethodSource("handMade")
    void writesExactPayloads(Case c) {
        List<RtpPayload> out = new H264Packetizer(c.mtu(), 100).packetize(1234, c.accessUnit());
        assertThat(out).extracting(p -> HexFormat.of().formatHex(p.payload())).containsExactlyElementsOf(c.payloads());
        assertThat(out.get(out.size() - 1).marker()).isTrue();
        assertThat(out).extracting(RtpPayload::timestamp).containsOnly(1234L);
        assertThat(out.get(0).sequenceNumber()).isEqualTo(100);
        assertThat(out.stream().filter(RtpPayload::marker)).hasSize(1);
        assertThat(out).allSatisfy(p -> assertThat(p.payload().length).isLessThanOrEqualTo(c.mtu()));
    }

    static Stream<Arguments> mtuEdge() {
        return Stream.of(
                Arguments.of(1199, List.of(1199)),
                Arguments.of(1200, List.of(1200)),
                Arguments.of(1201, List.of(1200, 4)),
                Arguments.of(2 * 1198 + 1, List.of(1200, 1200)),
                Arguments.of(2 * 1198 + 2, List.of(1200, 1200, 3)));
    }

    @ParameterizedTest(name = "a {0}-byte NAL unit at MTU 1200 → payloads of {1} bytes")
    @MethodSource("mtuEdge")
    void usesSingleNalUpToTheMtuAndFuAAbove(int size, List<Integer> payloadSizes) {
        List<RtpPayload> out = new H264Packetizer(1200, 0).packetize(0, List.of(nal(0x41, size)));
        assertThat(out).extracting(p -> p.payload().length).containsExactlyElementsOf(payloadSizes);
    }

    @Test
    void aggregatesOnlyWhatFitsTheMtu() {
        // 1 + (2+3) + (2+3) = 11 fits exactly; a third NAL unit would not.
        List<RtpPayload> out = new H264Packetizer(11, 0).packetize(0, List.of(nal(0x06, 3), nal(0x06, 3), nal(0x06, 3)));
        assertThat(out).extracting(p -> p.payload().length).containsExactly(11, 3);
        assertThat(out.get(0).payload()[0] & 0x1f).isEqualTo(24);
    }

    @Test
    void keyframeWithoutParameterSetsGetsTheConfigsInFront() {
        AvcConfig config = AvcConfig.of(List.of(SPS), List.of(PPS));
        byte[] idr = nal(0x65, 3000);
        MediaPacket key = new MediaPacket(MediaKind.VIDEO, config, 90_000, 0, true, NalUnits.toAvcc(List.of(idr)));
        List<RtpPayload> out = new H264Packetizer(1200, 0).packetize(key);
        assertThat(out.get(0).payload()).isEqualTo(hex("780005" + "6742c01fd9" + "0004" + "68ce3c80"));
        assertThat(out).hasSize(4).allSatisfy(p -> assertThat(p.timestamp()).isEqualTo(90_000));

        MediaPacket delta = new MediaPacket(MediaKind.VIDEO, config, 93_000, 0, false,
                NalUnits.toAvcc(List.of(nal(0x41, 10))));
        assertThat(new H264Packetizer(1200, 0).packetize(delta)).singleElement()
                .satisfies(p -> assertThat(p.payload()).isEqualTo(nal(0x41, 10)));
    }

    @Test
    void sequenceNumbersContinueAcrossAccessUnitsAndWrap() {
        H264Packetizer p = new H264Packetizer(1200, 65534);
        List<RtpPayload> first = p.packetize(0, List.of(nal(0x41, 2000)));
        List<RtpPayload> second = p.packetize(3000, List.of(nal(0x41, 10)));
        assertThat(first).extracting(RtpPayload::sequenceNumber).containsExactly(65534, 65535);
        assertThat(second).extracting(RtpPayload::sequenceNumber).containsExactly(0);
    }

    @Test
    void rejectsPayloadSizeTooSmallForAFragment() {
        assertThatThrownBy(() -> new H264Packetizer(2, 0)).hasMessageContaining("3..65535, was 2");
    }
}
