package dev.amphi.ingest.webrtc.ice;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed STUN: one table of {name, bytes, expected message}, and seeded random mutations of the RFC 5769 vectors. */
class StunMalformedTest {

    record Case(String name, String hex, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String HEADER_TAIL = "2112a442 b7e7a701 bc34d686 fa87dfae";

    static Stream<Case> cases() {
        return Stream.of(
                new Case("empty", "", "0 bytes is shorter than the 20-byte header"),
                new Case("19 bytes", "0001 0000 2112a442 b7e7a701 bc34d686 fa87df", "19 bytes is shorter"),
                new Case("wrong cookie", "0001 0000 2112a443 b7e7a701 bc34d686 fa87dfae", "magic cookie 0x2112a443"),
                new Case("top bits set (RTP-looking)", "8001 0000 " + HEADER_TAIL, "top two bits set"),
                new Case("length not a multiple of 4", "0001 0002 " + HEADER_TAIL + " 0000", "not a multiple of 4"),
                new Case("length past the datagram", "0001 0008 " + HEADER_TAIL + " 00250000", "message length 8 but the datagram has 4"),
                new Case("length short of the datagram", "0001 0000 " + HEADER_TAIL + " 00250000", "message length 0 but the datagram has 4"),
                new Case("attribute past the end", "0001 0008 " + HEADER_TAIL + " 00060008 61626364", "length 8 (8 with padding) but only 4"),
                new Case("padding past the end", "0001 0008 " + HEADER_TAIL + " 00060005 61626364", "length 5 (8 with padding) but only 4"),
                new Case("short MESSAGE-INTEGRITY", "0001 0008 " + HEADER_TAIL + " 00080004 00000000", "has 4 bytes, expected 20"),
                new Case("long FINGERPRINT", "0001 000c " + HEADER_TAIL + " 80280008 00000000 00000000", "has 8 bytes, expected 4"),
                new Case("USE-CANDIDATE with a value", "0001 0008 " + HEADER_TAIL + " 00250004 00000000", "has 4 bytes, expected 0"),
                new Case("short ICE-CONTROLLING", "0001 0008 " + HEADER_TAIL + " 802a0004 00000000", "has 4 bytes, expected 8"),
                new Case("XOR-MAPPED-ADDRESS family 3", "0001 000c " + HEADER_TAIL + " 00200008 0003a147 e112a643", "address family 3"),
                new Case("XOR-MAPPED-ADDRESS IPv6 in 8 bytes", "0001 000c " + HEADER_TAIL + " 00200008 0002a147 e112a643", "family 2 with 8 bytes"),
                new Case("ERROR-CODE 250", "0001 0008 " + HEADER_TAIL + " 00090004 00000232", "class 2 number 50"),
                new Case("ERROR-CODE too short", "0001 0004 " + HEADER_TAIL + " 00090000", "ERROR-CODE of 0 bytes"),
                new Case("USERNAME not UTF-8", "0001 0008 " + HEADER_TAIL + " 00060002 c3280000", "USERNAME is not valid UTF-8"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedWithAClearMessage(Case c) {
        byte[] bytes = HexFormat.of().parseHex(c.hex().replaceAll("\\s+", ""));
        assertThatThrownBy(() -> StunMessage.parse(bytes))
                .isInstanceOf(StunFormatException.class).hasMessageContaining(c.message());
    }

    @Test
    void randomMutationsOnlyEverGiveStunFormatException() {
        Random random = new Random(20261207L);
        byte[][] seeds = {StunMessageTest.REQUEST, StunMessageTest.RESPONSE_V4, StunMessageTest.RESPONSE_V6};
        for (int i = 0; i < 20_000; i++) {
            byte[] seed = seeds[random.nextInt(seeds.length)];
            byte[] b = switch (random.nextInt(3)) {
                case 0 -> Arrays.copyOf(seed, random.nextInt(seed.length + 8));
                case 1 -> {
                    byte[] copy = seed.clone();
                    for (int n = 1 + random.nextInt(4); n > 0; n--) {
                        copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
                    }
                    yield copy;
                }
                default -> {
                    byte[] copy = seed.clone();
                    int at = 20 + random.nextInt(copy.length - 20);
                    copy[at] = (byte) random.nextInt(256); // a length or type inside the attributes, often
                    copy[2] = (byte) random.nextInt(2);
                    yield copy;
                }
            };
            try {
                StunMessage m = StunMessage.parse(b);
                m.username();
                m.xorMappedAddress();
                m.errorCode();
                m.priority();
                m.iceControlled();
                m.verifyIntegrity(StunMessageTest.PASSWORD);
                m.verifyFingerprint();
            } catch (StunFormatException expected) {
                // the only failure allowed
            }
        }
    }
}
