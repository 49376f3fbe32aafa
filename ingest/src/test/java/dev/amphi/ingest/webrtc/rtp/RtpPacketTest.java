package dev.amphi.ingest.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.ingest.webrtc.rtp.RtpHeaderExtension.Element;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RTP packets: one table of {name, wire bytes, packet} drives parsing and writing. The packets are
 * laid out by hand from RFC 3550 5.1 and RFC 8285 in the shape Chromium sends them (Opus with the
 * audio level, abs-send-time and transport-wide sequence number extensions at ids 1, 2 and 3, as
 * its offers number them); each line of hex is one field.
 */
class RtpPacketTest {

    record Case(String name, String hex, RtpPacket packet) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final int SSRC = 0x12345678;

    static Stream<Case> table() {
        return Stream.of(
                new Case("opus with one-byte extensions", """
                        90 6f 1a 2b -- V=2 P=0 X=1 CC=0 | M=0 PT=111 | sequence 6699
                        00 00 3c 00 -- timestamp 15360
                        12 34 56 78 -- SSRC
                        be de 00 03 -- profile 0xBEDE (RFC 8285 one-byte form), 3 words
                        10 a5 -- id 1 L=0 (1 byte): audio level V=1, 37 -dBov
                        22 12 34 56 -- id 2 L=2 (3 bytes): abs-send-time
                        31 00 07 -- id 3 L=1 (2 bytes): transport-wide sequence 7
                        00 00 00 -- padding to the word
                        fc ff fe -- Opus payload
                        """,
                        RtpPacket.of(false, 111, 6699, 15360, SSRC, Hex.bytes("fcfffe"))
                                .withExtension(new RtpHeaderExtension(0xBEDE, Hex.bytes("10a5 22123456 310007 000000")))),
                new Case("video with marker and two CSRCs", """
                        82 e0 ff ff -- V=2 CC=2 | M=1 PT=96 | sequence 65535
                        ff ff ff ff -- timestamp 2^32-1
                        12 34 56 78 -- SSRC
                        00 00 00 01 -- CSRC 1
                        00 00 00 02 -- CSRC 2
                        7c 85 88 -- payload (an H.264 FU-A start)
                        """,
                        new RtpPacket(true, 96, 65535, 0xffffffffL, SSRC, new int[] {1, 2}, null, Hex.bytes("7c8588"), 0)),
                new Case("two-byte extension form with an empty element", """
                        90 60 00 01 -- X=1 | PT=96 | sequence 1
                        00 00 00 00 -- timestamp 0
                        12 34 56 78 -- SSRC
                        10 00 00 02 -- profile 0x1000 (two-byte form), 2 words
                        01 00 -- id 1, 0 bytes
                        14 03 aa bb cc -- id 20, 3 bytes
                        00 -- padding
                        01 -- payload
                        """,
                        RtpPacket.of(false, 96, 1, 0, SSRC, Hex.bytes("01"))
                                .withExtension(new RtpHeaderExtension(0x1000, Hex.bytes("0100 1403aabbcc 00")))),
                new Case("padding", """
                        a0 6f 00 02 -- P=1 | PT=111 | sequence 2
                        00 00 03 c0 -- timestamp 960
                        12 34 56 78 -- SSRC
                        de ad -- payload
                        00 00 00 04 -- 4 bytes of padding, the last one its count
                        """,
                        new RtpPacket(false, 111, 2, 960, SSRC, new int[0], null, Hex.bytes("dead"), 4)),
                new Case("extension of another profile kept opaque", """
                        90 60 00 03 -- X=1 | PT=96 | sequence 3
                        00 00 00 00 -- timestamp
                        12 34 56 78 -- SSRC
                        ab ac 00 01 -- profile 0xABAC, 1 word
                        de ad be ef -- its data
                        """,
                        RtpPacket.of(false, 96, 3, 0, SSRC, new byte[0])
                                .withExtension(new RtpHeaderExtension(0xABAC, Hex.bytes("deadbeef")))),
                new Case("header only, no payload", "80 00 00 00 00 00 00 00 12 34 56 78",
                        RtpPacket.of(false, 0, 0, 0, SSRC, new byte[0])));
    }

    @ParameterizedTest
    @MethodSource("table")
    void parsesTheWireBytes(Case c) {
        assertThat(RtpPacket.parse(Hex.bytes(c.hex()))).isEqualTo(c.packet());
    }

    @ParameterizedTest
    @MethodSource("table")
    void writesTheWireBytes(Case c) {
        assertThat(Hex.of(c.packet().write())).isEqualTo(Hex.of(Hex.bytes(c.hex())));
        assertThat(c.packet().length()).isEqualTo(Hex.bytes(c.hex()).length);
    }

    @ParameterizedTest
    @MethodSource("table")
    void parsesInsideALargerBuffer(Case c) {
        byte[] wire = Hex.bytes(c.hex());
        byte[] framed = new byte[wire.length + 7];
        Arrays.fill(framed, (byte) 0x55);
        System.arraycopy(wire, 0, framed, 3, wire.length);
        assertThat(RtpPacket.parse(framed, 3, wire.length)).isEqualTo(c.packet());
    }

    @ParameterizedTest
    @MethodSource("table")
    void everyTruncationIsRefusedWithTheFormatExceptionOrParses(Case c) {
        byte[] wire = Hex.bytes(c.hex());
        for (int n = 0; n < wire.length; n++) {
            try {
                RtpPacket.parse(Arrays.copyOf(wire, n));
            } catch (RtpFormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("table")
    void theInPlaceViewReadsWhatTheRecordHolds(Case c) {
        byte[] wire = Hex.bytes(c.hex());
        RtpView v = RtpView.parse(wire);
        RtpPacket p = c.packet();
        assertThat(List.of(v.marker(), v.payloadType(), v.sequenceNumber(), v.timestamp(), v.ssrc(), v.payloadLength()))
                .containsExactly(p.marker(), p.payloadType(), p.sequenceNumber(), p.timestamp(), p.ssrc(), p.payload().length);
        assertThat(v.payload(0)).isEqualTo(p.payload());
        assertThat(Arrays.copyOfRange(wire, v.payloadOffset(), v.payloadOffset() + v.payloadLength())).isEqualTo(p.payload());
        assertThat(v.toPacket()).isEqualTo(p);
        assertSameLookups(v, p);
    }

    /** Every element id read through the view gives what the record gives, or the same refusal. */
    private static void assertSameLookups(RtpView v, RtpPacket p) {
        for (int id = 1; id <= 20; id++) {
            int element = id;
            assertThat(orRefused(() -> v.audioLevel(element))).as("audio level in element %d", id)
                    .isEqualTo(orRefused(() -> p.audioLevel(element).map(AudioLevel::level).orElse(-1)));
            assertThat(orRefused(() -> v.transportSequenceNumber(element))).as("transport sequence number in element %d", id)
                    .isEqualTo(orRefused(() -> p.transportSequenceNumber(element)));
        }
    }

    /** The value read, or -2 when the read was refused as malformed. */
    private static int orRefused(java.util.function.IntSupplier read) {
        try {
            return read.getAsInt();
        } catch (RtpFormatException e) {
            return -2;
        }
    }

    @Test
    void readsChromiumStyleExtensionsById() {
        RtpPacket p = RtpPacket.parse(Hex.bytes(table().findFirst().orElseThrow().hex()));
        assertThat(p.extension().elements()).extracting(Element::id).containsExactly(1, 2, 3);
        assertThat(p.audioLevel(1)).contains(new AudioLevel(true, 37));
        assertThat(p.transportSequenceNumber(3)).isEqualTo(7);
        assertThat(p.extension().find(2).orElseThrow().data()).isEqualTo(Hex.bytes("123456"));
        assertThat(p.extension().find(4)).isEmpty();
        assertThat(p.transportSequenceNumber(4)).isEqualTo(-1);
        assertThat(RtpPacket.of(false, 96, 1, 0, SSRC, new byte[0]).audioLevel(1)).isEmpty();
    }

    @Test
    void theDirectWriterGivesTheRecordsBytesAndItsErrors() {
        Random r = new Random(7);
        for (int i = 0; i < 200; i++) {
            byte[] payload = new byte[r.nextInt(1300)];
            r.nextBytes(payload);
            boolean marker = r.nextBoolean();
            int pt = r.nextInt(128);
            int seq = r.nextInt(65536);
            long ts = r.nextLong() >>> 32;
            int ssrc = r.nextInt();
            assertThat(RtpPacket.write(marker, pt, seq, ts, ssrc, payload))
                    .isEqualTo(RtpPacket.of(marker, pt, seq, ts, ssrc, payload).write());
        }
        assertThatThrownBy(() -> RtpPacket.write(false, 128, 1, 0, SSRC, new byte[1])).hasMessageContaining("payload type 128");
        assertThatThrownBy(() -> RtpPacket.write(false, 96, 65536, 0, SSRC, new byte[1])).hasMessageContaining("sequence number");
        assertThatThrownBy(() -> RtpPacket.write(false, 96, 1, 1L << 32, SSRC, new byte[1])).hasMessageContaining("timestamp");
    }

    @Test
    void twoByteFormCarriesEmptyElements() {
        RtpPacket p = RtpPacket.parse(Hex.bytes(table().skip(2).findFirst().orElseThrow().hex()));
        assertThat(p.extension().elements()).containsExactly(new Element(1, new byte[0]), new Element(20, Hex.bytes("aabbcc")));
    }

    @Test
    void oneByteFormStopsAtTheReservedId15() {
        RtpHeaderExtension ext = new RtpHeaderExtension(0xBEDE, Hex.bytes("10 a5 f0 31 00 07 00 00"));
        assertThat(ext.elements()).containsExactly(new Element(1, Hex.bytes("a5")));
    }

    @Test
    void choosesTheOneByteFormWhenEveryElementFitsItAndRoundTrips() {
        RtpHeaderExtension small = RtpHeaderExtension.of(List.of(new Element(1, new AudioLevel(false, 127).toBytes()),
                new Element(3, Hex.bytes("fffe"))));
        assertThat(small.profile()).isEqualTo(RtpHeaderExtension.ONE_BYTE_PROFILE);
        assertThat(Hex.of(small.data())).isEqualTo("107f" + "31fffe" + "000000");
        RtpHeaderExtension big = RtpHeaderExtension.of(List.of(new Element(15, Hex.bytes("01")), new Element(2, new byte[17])));
        assertThat(big.profile()).isEqualTo(RtpHeaderExtension.TWO_BYTE_PROFILE);
        for (RtpHeaderExtension ext : List.of(small, big)) {
            RtpPacket p = new RtpPacket(true, 100, 40000, 123456789L, -1, new int[] {7}, ext, new byte[] {1, 2, 3}, 3);
            RtpPacket back = RtpPacket.parse(p.write());
            assertThat(back).isEqualTo(p);
            assertThat(back.extension().elements()).isEqualTo(ext.elements());
        }
        assertThat(RtpPacket.parse(RtpPacket.of(false, 0, 1, 2, 3, new byte[0]).withExtension(small).write())
                .transportSequenceNumber(3)).isEqualTo(0xfffe);
    }

    record Bad(String name, String hex, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> malformed() {
        String fixed = "12345678 12345678";
        return Stream.of(
                new Bad("empty", "", "RTP packet of 0 bytes is shorter than the 12-byte fixed header"),
                new Bad("11 bytes", "80 60 00 01 00 00 00 00 12 34 56", "RTP packet of 11 bytes is shorter than the 12-byte fixed header"),
                new Bad("version 1", "40 60 00 01 " + fixed, "RTP version 1, expected 2"),
                new Bad("version 0 (a STUN message)", "00 01 00 00 " + fixed, "RTP version 0, expected 2"),
                new Bad("CSRC count past the end", "83 60 00 01 " + fixed + " 00000001 00000002",
                        "CSRC count 3 needs 12 bytes but only 8 follow the fixed header"),
                new Bad("extension bit without room", "90 60 00 01 " + fixed + " be de",
                        "extension bit set but only 2 bytes follow the CSRCs (need 4)"),
                new Bad("extension length past the end", "90 60 00 01 " + fixed + " be de 00 02 10 a5 00 00",
                        "header extension length 2 words (8 bytes) but only 4 bytes remain"),
                new Bad("one-byte element past the extension", "90 60 00 01 " + fixed + " be de 00 01 1f 00 00 00 ff ff",
                        "extension element id 1 declares 16 bytes but only 3 remain in the extension"),
                new Bad("two-byte element past the extension", "90 60 00 01 " + fixed + " 10 00 00 01 05 09 00 00",
                        "extension element id 5 declares 9 bytes but only 2 remain in the extension"),
                new Bad("padding larger than the payload", "a0 60 00 01 " + fixed + " de ad c8",
                        "padding of 200 bytes is larger than the 3 bytes after the header"),
                new Bad("padding count 0", "a0 60 00 01 " + fixed + " de ad 00", "padding bit set but the padding count is 0"),
                new Bad("padding bit without a byte for the count", "a0 60 00 01 " + fixed,
                        "padding bit set but no byte follows the header to hold the padding count"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void refusesMalformedPacketsNamingWhatIsWrong(Bad b) {
        assertThatThrownBy(() -> RtpPacket.parse(Hex.bytes(b.hex())))
                .isInstanceOf(RtpFormatException.class).hasMessage(b.message());
    }

    @Test
    void refusesMalformedExtensionElementsWhenRead() {
        RtpPacket shortTransport = RtpPacket.parse(Hex.bytes("90 60 00 01 12345678 12345678 be de 00 01 30 07 00 00"));
        assertThatThrownBy(() -> shortTransport.transportSequenceNumber(3)).isInstanceOf(RtpFormatException.class)
                .hasMessage("transport-wide sequence number element has 1 bytes (needs 2)");
        RtpPacket emptyLevel = RtpPacket.parse(Hex.bytes("90 60 00 01 12345678 12345678 10 00 00 01 01 00 00 00"));
        assertThatThrownBy(() -> emptyLevel.audioLevel(1)).isInstanceOf(RtpFormatException.class)
                .hasMessage("audio level extension element is empty (needs 1 byte)");
    }

    /** Seeded random mutations of every fixture and Chromium's packets: each parses or is refused with the format exception, nothing else. */
    @Test
    void mutatedPacketsOnlyEverFailWithTheFormatException() {
        Random random = new Random(14);
        List<byte[]> seeds = new java.util.ArrayList<>(table().map(c -> Hex.bytes(c.hex())).toList());
        for (String f : List.of("rtp-opus-silence.bin", "rtp-opus-tone.bin", "rtp-video-pt119-many-extensions.bin", "rtp-rtx-padding.bin")) {
            seeds.add(RtpChromiumCaptureTest.load(f));
        }
        for (int i = 0; i < 20_000; i++) {
            byte[] b = seeds.get(i % seeds.size()).clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips && b.length > 0; f++) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            try {
                RtpPacket p = RtpPacket.parse(b);
                assertThat(RtpPacket.parse(p.write())).isEqualTo(p);
                assertSameLookups(RtpView.parse(b), p);
            } catch (RtpFormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void refusesOutOfRangeFieldsWhenBuilding() {
        assertThatThrownBy(() -> RtpPacket.of(false, 128, 0, 0, 0, new byte[0])).hasMessageContaining("payload type 128");
        assertThatThrownBy(() -> RtpPacket.of(false, 0, 65536, 0, 0, new byte[0])).hasMessageContaining("sequence number 65536");
        assertThatThrownBy(() -> RtpPacket.of(false, 0, 0, 1L << 32, 0, new byte[0])).hasMessageContaining("timestamp");
        assertThatThrownBy(() -> new AudioLevel(false, 128)).hasMessageContaining("audio level 128");
        assertThatThrownBy(() -> new Element(0, new byte[1])).hasMessageContaining("id 0");
    }
}
