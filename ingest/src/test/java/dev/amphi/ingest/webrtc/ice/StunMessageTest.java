package dev.amphi.ingest.webrtc.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The test vectors of RFC 5769 (section 2): each is parsed, its integrity (short-term password
 * "VOkJxbRl1RmTxUk/WvJxBt") and fingerprint verify, its attributes decode, and writing the same
 * attributes reproduces it byte for byte (the vectors pad with spaces, hence the padding byte).
 */
class StunMessageTest {

    static final byte[] PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);
    static final byte[] TXID = hex("b7e7a701 bc34d686 fa87dfae");

    static final byte[] REQUEST = hex("""
            00010058 2112a442 b7e7a701 bc34d686 fa87dfae
            80220010 5354554e 20746573 7420636c 69656e74
            00240004 6e0001ff
            80290008 932ff9b1 51263b36
            00060009 6576746a 3a683676 59202020
            00080014 9aeaa70c bfd8cb56 781ef2b5 b2d3f249 c1b571a2
            80280004 e57a3bcf""");

    static final byte[] RESPONSE_V4 = hex("""
            0101003c 2112a442 b7e7a701 bc34d686 fa87dfae
            8022000b 74657374 20766563 746f7220
            00200008 0001a147 e112a643
            00080014 2b91f599 fd9e90c3 8c7489f9 2af9ba53 f06be7d7
            80280004 c07d4c96""");

    static final byte[] RESPONSE_V6 = hex("""
            01010048 2112a442 b7e7a701 bc34d686 fa87dfae
            8022000b 74657374 20766563 746f7220
            00200014 0002a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9
            00080014 a382954e 4be67bf1 1784c97c 8292c275 bfe3ed41
            80280004 c8fb0b4c""");

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    @Test
    void rfc5769SampleRequest() {
        StunMessage m = StunMessage.parse(REQUEST);
        assertThat(m.type()).isEqualTo(StunMessage.BINDING_REQUEST);
        assertThat(m.transactionId()).isEqualTo(TXID);
        assertThat(m.username()).contains("evtj:h6vY");
        assertThat(m.priority()).hasValue(0x6e0001ffL);
        assertThat(m.iceControlled()).hasValue(0x932ff9b151263b36L);
        assertThat(m.iceControlling()).isEmpty();
        assertThat(m.useCandidate()).isFalse();
        assertThat(m.verifyIntegrity(PASSWORD)).isTrue();
        assertThat(m.verifyIntegrity("VOkJxbRl1RmTxUk/WvJxBu".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(m.verifyFingerprint()).isTrue();

        byte[] written = StunMessage.write(StunMessage.BINDING_REQUEST, TXID, List.of(
                StunAttribute.software("STUN test client"), StunAttribute.priority(0x6e0001ffL),
                StunAttribute.iceControlled(0x932ff9b151263b36L), StunAttribute.username("evtj:h6vY")),
                PASSWORD, true, (byte) ' ');
        assertThat(HexFormat.of().formatHex(written)).isEqualTo(HexFormat.of().formatHex(REQUEST));
    }

    @Test
    void rfc5769Ipv4Response() throws Exception {
        StunMessage m = StunMessage.parse(RESPONSE_V4);
        InetSocketAddress mapped = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853);
        assertThat(m.type()).isEqualTo(StunMessage.BINDING_SUCCESS);
        assertThat(m.xorMappedAddress()).contains(mapped);
        assertThat(m.verifyIntegrity(PASSWORD)).isTrue();
        assertThat(m.verifyFingerprint()).isTrue();
        byte[] written = StunMessage.write(StunMessage.BINDING_SUCCESS, TXID, List.of(
                StunAttribute.software("test vector"), StunAttribute.xorMappedAddress(mapped, TXID)),
                PASSWORD, true, (byte) ' ');
        assertThat(HexFormat.of().formatHex(written)).isEqualTo(HexFormat.of().formatHex(RESPONSE_V4));
    }

    @Test
    void rfc5769Ipv6Response() throws Exception {
        StunMessage m = StunMessage.parse(RESPONSE_V6);
        InetSocketAddress mapped = new InetSocketAddress(
                InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853);
        assertThat(m.xorMappedAddress()).contains(mapped);
        assertThat(m.verifyIntegrity(PASSWORD)).isTrue();
        assertThat(m.verifyFingerprint()).isTrue();
        byte[] written = StunMessage.write(StunMessage.BINDING_SUCCESS, TXID, List.of(
                StunAttribute.software("test vector"), StunAttribute.xorMappedAddress(mapped, TXID)),
                PASSWORD, true, (byte) ' ');
        assertThat(HexFormat.of().formatHex(written)).isEqualTo(HexFormat.of().formatHex(RESPONSE_V6));
    }

    @Test
    void aFlippedBitBreaksIntegrityAndFingerprint() {
        byte[] tampered = REQUEST.clone();
        tampered[70] ^= 1; // inside USERNAME
        StunMessage m = StunMessage.parse(tampered);
        assertThat(m.verifyIntegrity(PASSWORD)).isFalse();
        assertThat(m.verifyFingerprint()).isFalse();
    }

    @Test
    void writtenMessagesRoundTripWithZeroPaddingAndErrorCodes() {
        byte[] bytes = StunMessage.write(StunMessage.BINDING_ERROR, TXID, List.of(
                StunAttribute.errorCode(487, "Role Conflict"), StunAttribute.useCandidate(),
                StunAttribute.iceControlling(-2L), new StunAttribute(0xC001, new byte[] {1, 2, 3})), null, true);
        StunMessage m = StunMessage.parse(bytes);
        assertThat(m.errorCode()).contains(new StunMessage.ErrorCode(487, "Role Conflict"));
        assertThat(m.useCandidate()).isTrue();
        assertThat(m.iceControlling()).hasValue(-2L);
        assertThat(m.attribute(0xC001)).contains(new StunAttribute(0xC001, new byte[] {1, 2, 3}));
        assertThat(m.unknownComprehensionRequired()).isEmpty();
        assertThat(m.hasIntegrity()).isFalse();
        assertThat(m.verifyFingerprint()).isTrue();
        assertThat(bytes.length % 4).isZero();
    }

    @Test
    void unknownComprehensionRequiredAttributesAreListed() {
        byte[] bytes = StunMessage.write(StunMessage.BINDING_REQUEST, TXID,
                List.of(new StunAttribute(0x7777, new byte[0])), null, false);
        assertThat(StunMessage.parse(bytes).unknownComprehensionRequired()).containsExactly(0x7777);
    }

    @Test
    void attributesAfterIntegrityOtherThanFingerprintAreIgnored() {
        byte[] withExtra = hex(HexFormat.of().formatHex(RESPONSE_V4).replace("0101003c", "01010044")
                .replace("80280004c07d4c96", "c0010004aabbccdd80280004c07d4c96"));
        StunMessage m = StunMessage.parse(withExtra);
        assertThat(m.attribute(0xC001)).isEmpty();
        assertThat(m.verifyIntegrity(PASSWORD)).isTrue();
    }

    @Test
    void writeRefusesBadArguments() {
        assertThatThrownBy(() -> StunMessage.write(StunMessage.BINDING_REQUEST, new byte[11], List.of(), null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transaction id of 11 bytes");
        assertThatThrownBy(() -> StunAttribute.errorCode(200, "OK")).hasMessageContaining("outside 300..699");
        assertThatThrownBy(() -> StunAttribute.username("x".repeat(514))).hasMessageContaining("longer than 513");
    }
}
