package dev.amphi.ingest.webrtc.ice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.ingest.webrtc.ice.Demultiplexer.Kind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 7983's first-byte ranges and RFC 5761's RTP/RTCP split, each edge of each range in one table. */
class DemultiplexerTest {

    record Case(String name, String hex, Kind kind) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String STUN_REST = "0000 2112a442 b7e7a701 bc34d686 fa87dfae";

    static Stream<Case> cases() {
        return Stream.of(
                new Case("empty", "", Kind.DROP),
                new Case("STUN binding request", "0001" + STUN_REST, Kind.STUN),
                new Case("STUN, first byte 3", "0301" + STUN_REST, Kind.STUN),
                new Case("STUN-looking but shorter than a header", "0001 0000", Kind.DROP),
                new Case("4: unassigned", "0401" + STUN_REST, Kind.DROP),
                new Case("16..19: ZRTP", "10000000", Kind.DROP),
                new Case("19: ZRTP", "13000000", Kind.DROP),
                new Case("20: DTLS change_cipher_spec", "14fefd", Kind.DTLS),
                new Case("22: DTLS handshake", "16fefd000000", Kind.DTLS),
                new Case("23: DTLS application data", "17fefd", Kind.DTLS),
                new Case("63: DTLS range end", "3f", Kind.DTLS),
                new Case("64: TURN channel", "40000004", Kind.DROP),
                new Case("79: TURN channel", "4f000004", Kind.DROP),
                new Case("127: unassigned", "7f00", Kind.DROP),
                new Case("128: RTP, payload type 111", "806f0001", Kind.RTP),
                new Case("RTP with marker, payload type 96", "90e00001", Kind.RTP),
                new Case("RTP payload type 63 with marker (byte 191)", "80bf0001", Kind.RTP),
                new Case("RTCP sender report (200)", "80c80006", Kind.RTCP),
                new Case("RTCP 192 (FIR, lowest)", "80c00001", Kind.RTCP),
                new Case("RTCP 223 (highest)", "80df0001", Kind.RTCP),
                new Case("224 in the second byte: RTP, payload type 96 with marker", "80e00001", Kind.RTP),
                new Case("RTCP transport-cc (205, FMT 15)", "8fcd0005", Kind.RTCP),
                new Case("191: RTP range end", "bf6f", Kind.RTP),
                new Case("one byte of RTP", "80", Kind.DROP),
                new Case("192: unassigned", "c0000000", Kind.DROP),
                new Case("255", "ff000000", Kind.DROP));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void classifiesByFirstBytes(Case c) {
        byte[] bytes = HexFormat.of().parseHex(c.hex().replaceAll("\\s+", ""));
        assertThat(Demultiplexer.classify(bytes)).isEqualTo(c.kind());
        ByteBuf buf = Unpooled.buffer().writeZero(3).writeBytes(bytes);
        buf.readerIndex(3);
        assertThat(Demultiplexer.classify(buf)).isEqualTo(c.kind());
        assertThat(buf.readerIndex()).isEqualTo(3);
        buf.release();
    }

    @Test
    void theRfc5769RequestIsStun() {
        assertThat(Demultiplexer.classify(StunMessageTest.REQUEST)).isEqualTo(Kind.STUN);
    }
}
