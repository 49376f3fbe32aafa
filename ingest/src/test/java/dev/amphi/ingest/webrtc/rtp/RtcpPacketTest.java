package dev.amphi.ingest.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RTCP packets: one table of {name, wire bytes, packets} drives parsing and writing. Each packet is
 * laid out by hand from RFC 3550 6.4-6.6, RFC 4585 6.2-6.3 and the REMB draft, one field a line.
 */
class RtcpPacketTest {

    record Case(String name, String hex, List<RtcpPacket> packets) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final int A = 0x12345678;
    static final int B = 0x9abcdef0;

    static final String SR = """
            81 c8 00 0c -- V=2 P=0 RC=1 | PT=200 SR | length 12 (52 bytes)
            12 34 56 78 -- sender SSRC
            e8 5c 3a 10 -- NTP seconds
            80 00 00 00 -- NTP fraction (0.5 s)
            00 01 5f 90 -- RTP timestamp 90000
            00 00 00 64 -- packet count 100
            00 01 86 a0 -- octet count 100000
            9a bc de f0 -- report block: SSRC
            19 00 00 05 -- fraction lost 25/256, cumulative lost 5
            00 01 00 2a -- extended highest sequence: 1 cycle + 42
            00 00 00 20 -- jitter 32
            3a 10 80 00 -- last SR
            00 00 80 00 -- delay since last SR: 0.5 s
            """;
    static final String SDES = """
            81 ca 00 06 -- SC=1 | PT=202 SDES | length 6 (28 bytes)
            12 34 56 78 -- chunk SSRC
            01 10 -- CNAME, 16 bytes
            61 6d 70 68 69 2d 74 65 73 74 2d 63 6e 61 6d 65 -- "amphi-test-cname"
            00 00 -- END, then null to the word
            """;

    static final int NR = TransportCcFeedback.NOT_RECEIVED;

    static final String TRANSPORT_CC = """
            af cd 00 0a -- P=1 FMT=15 | PT=205 RTPFB | length 10 (44 bytes)
            12 34 56 78 -- sender SSRC
            9a bc de f0 -- media SSRC
            00 64 00 14 -- base sequence 100 | packet status count 20
            00 00 10 07 -- reference time 16 (1.024 s) | feedback packet count 7
            20 0a -- run-length chunk: 10 packets received with a small delta (100..109)
            c9 41 -- two-bit vector: 110 lost, 111 large, 112 small, 113 small, 114 lost, 115 lost, 116 small
            a8 00 -- one-bit vector: 117 received, 118 lost, 119 received (the other 11 symbols unused)
            00 04 04 04 04 04 04 04 04 04 -- deltas of 100..109: at the reference time, then 1 ms apart
            ff fc -- 111 arrived 1 ms before 109 (a large, negative delta)
            08 08 08 -- 112, 113, 116: 2 ms apart
            02 02 -- 117, 119: 0.5 ms apart
            01 -- one byte of padding: its count
            """;

    static Stream<Case> table() {
        ReportBlock block = new ReportBlock(B, 25, 5, 65578, 32, 0x3a108000L, 0x8000);
        SenderReport sr = new SenderReport(A, 0xe85c3a1080000000L, 90000, 100, 100000, List.of(block));
        SourceDescription sdes = new SourceDescription(List.of(SourceDescription.Chunk.cname(A, "amphi-test-cname")));
        return Stream.of(
                new Case("sender report and SDES, as a sender's compound starts", SR + SDES, List.of(sr, sdes)),
                new Case("receiver report without blocks", """
                        80 c9 00 01 -- RC=0 | PT=201 RR | length 1
                        12 34 56 78 -- sender SSRC
                        """, List.of(new ReceiverReport(A, List.of()))),
                new Case("receiver report with a negative cumulative loss", """
                        81 c9 00 07 -- RC=1 | PT=201 RR | length 7
                        12 34 56 78 -- sender SSRC
                        9a bc de f0 -- SSRC
                        00 ff ff fe -- fraction 0, cumulative lost -2 (duplicates)
                        00 00 ff ff -- highest sequence 65535
                        00 00 00 00 -- jitter
                        00 00 00 00 -- no SR yet
                        00 00 00 00 -- so no delay
                        """, List.of(new ReceiverReport(A, List.of(new ReportBlock(B, 0, -2, 65535, 0, 0, 0))))),
                new Case("BYE with a reason", """
                        81 cb 00 03 -- SC=1 | PT=203 BYE | length 3
                        12 34 56 78 -- SSRC
                        05 6c 65 61 76 65 -- reason, 5 bytes: "leave"
                        00 00 -- padding to the word
                        """, List.of(new Bye(List.of(A), "leave"))),
                new Case("generic NACK", """
                        81 cd 00 03 -- FMT=1 | PT=205 RTPFB | length 3
                        12 34 56 78 -- sender SSRC
                        9a bc de f0 -- media SSRC
                        03 e8 00 05 -- PID 1000, BLP 0b101: 1001 and 1003 too
                        """, List.of(new GenericNack(A, B, List.of(1000, 1001, 1003)))),
                new Case("PLI", """
                        81 ce 00 02 -- FMT=1 | PT=206 PSFB | length 2
                        12 34 56 78 -- sender SSRC
                        9a bc de f0 -- media SSRC
                        """, List.of(new PictureLossIndication(A, B))),
                new Case("REMB of 1 Mbit/s", """
                        8f ce 00 05 -- FMT=15 | PT=206 PSFB | length 5
                        12 34 56 78 -- sender SSRC
                        00 00 00 00 -- media SSRC: unused
                        52 45 4d 42 -- "REMB"
                        01 0b d0 90 -- 1 SSRC | exponent 2 | mantissa 250000
                        9a bc de f0 -- SSRC
                        """, List.of(new Remb(A, 1_000_000, List.of(B)))),
                new Case("transport-cc feedback with all three kinds of chunk", TRANSPORT_CC, List.of(new TransportCcFeedback(A, B, 100, 16, 7,
                        new int[] {0, 4, 4, 4, 4, 4, 4, 4, 4, 4, NR, -4, 8, 8, NR, NR, 8, 2, NR, 2}))));
    }

    @ParameterizedTest
    @MethodSource("table")
    void parsesTheWireBytes(Case c) {
        assertThat(Rtcp.parse(Hex.bytes(c.hex()))).isEqualTo(c.packets());
    }

    @ParameterizedTest
    @MethodSource("table")
    void writesTheWireBytes(Case c) {
        assertThat(Hex.of(Rtcp.write(c.packets()))).isEqualTo(Hex.of(Hex.bytes(c.hex())));
    }

    /** A compound cut between its packets is a shorter compound; cut anywhere else it is refused. */
    @ParameterizedTest
    @MethodSource("table")
    void everyTruncationIsRefusedWithTheFormatExceptionOrIsAShorterCompound(Case c) {
        byte[] wire = Hex.bytes(c.hex());
        for (int n = 0; n < wire.length; n++) {
            byte[] cut = Arrays.copyOf(wire, n);
            try {
                List<RtcpPacket> parsed = Rtcp.parse(cut);
                assertThat(parsed).isNotEmpty().isEqualTo(c.packets().subList(0, parsed.size()));
                assertThat(Rtcp.write(parsed)).isEqualTo(cut);
            } catch (RtpFormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void skipsPacketTypesAndFormatsItDoesNotUse() {
        String app = "80 cc 00 02 12345678 41 42 43 44"; // PT=204 APP, name "ABCD"
        String xr = "80 cf 00 01 12345678"; // PT=207 XR without blocks
        String tmmbr = "83 cd 00 04 12345678 00000000 9abcdef0 04000000"; // RTPFB FMT=3 TMMBR
        String afb = "8f ce 00 03 12345678 00000000 41424344"; // PSFB FMT=15, not "REMB"
        String fir = "84 ce 00 04 12345678 00000000 9abcdef0 01000000"; // PSFB FMT=4 FIR
        List<RtcpPacket> parsed = Rtcp.parse(Hex.bytes(SR + app + xr + tmmbr + afb + fir + SDES));
        assertThat(parsed).hasSize(2);
        assertThat(parsed.get(0)).isInstanceOf(SenderReport.class);
        assertThat(parsed.get(1)).isInstanceOf(SourceDescription.class);
    }

    @Test
    void senderReportQuotesTheMiddleOfItsNtpTime() {
        SenderReport sr = (SenderReport) Rtcp.parse(Hex.bytes(SR)).get(0);
        assertThat(sr.compactNtp()).isEqualTo(0x3a108000L);
        assertThat(((SourceDescription) Rtcp.parse(Hex.bytes(SDES)).get(0)).chunks().get(0).cname()).contains("amphi-test-cname");
    }

    @Test
    void nackExpandsEveryEntryAcrossTheWrap() {
        String twoEntries = """
                81 cd 00 04 -- FMT=1 RTPFB, two FCI entries
                12 34 56 78
                9a bc de f0
                ff fe 80 01 -- PID 65534, BLP bits 0 and 15: 65535 and 14
                00 20 00 00 -- PID 32 alone
                """;
        GenericNack nack = (GenericNack) Rtcp.parse(Hex.bytes(twoEntries)).get(0);
        assertThat(nack.lost()).containsExactly(65534, 65535, 14, 32);
    }

    @Test
    void nackPacksAscendingLossesIntoAsFewEntriesAsTheyNeed() {
        List<Integer> lost = List.of(65530, 65531, 65535, 0, 10, 11, 30, 46, 47);
        GenericNack nack = new GenericNack(A, B, lost);
        byte[] wire = Rtcp.write(nack);
        // 65530 + {65531, 65535, 0, 10} (BLP bits 0, 4, 5, 15) | 11 | 30 + {46} (bit 15) | 47
        assertThat(Hex.of(wire).substring(24)).isEqualTo("fffa8031" + "000b0000" + "001e8000" + "002f0000");
        assertThat(Rtcp.parse(wire)).containsExactly(nack);
        GenericNack single = new GenericNack(A, B, List.of(7));
        assertThat(Rtcp.parse(Rtcp.write(single))).containsExactly(single);
    }

    @Test
    void rembRoundsBitratesItsMantissaCannotHoldDown() {
        Remb exact = new Remb(A, 262_143, List.of(B, A));
        assertThat(Rtcp.parse(Rtcp.write(exact))).containsExactly(exact);
        Remb big = new Remb(A, 2_500_001, List.of(B));
        Remb back = (Remb) Rtcp.parse(Rtcp.write(big)).get(0);
        assertThat(back.bitrate()).isLessThanOrEqualTo(2_500_001).isGreaterThan(2_500_001 - 16);
        Remb huge = new Remb(A, Long.MAX_VALUE, List.of());
        assertThat(((Remb) Rtcp.parse(Rtcp.write(huge)).get(0)).bitrate()).isGreaterThan(Long.MAX_VALUE / 2);
    }

    @Test
    void roundTripsPacketsBuiltInCode() {
        List<RtcpPacket> all = List.of(
                new SenderReport(B, 1L << 63, 0xffffffffL, 0xffffffffL, 0, List.of(new ReportBlock(A, 255, -0x800000, 0xffffffffL, 7, 1, 2),
                        new ReportBlock(B, 0, 0x7fffff, 0, 0, 0, 0))),
                new SourceDescription(List.of(new SourceDescription.Chunk(A, List.of(new SourceDescription.Item(1, "a"),
                        new SourceDescription.Item(2, "Ada Lovelace"))), SourceDescription.Chunk.cname(B, "xyz"),
                        new SourceDescription.Chunk(B, List.of()))),
                new Bye(List.of(A, B), ""),
                new Bye(List.of(), "ünïcode"),
                new PictureLossIndication(B, A),
                TransportCcFeedback.build(A, B, 3, List.of(new TransportCcFeedback.Arrival(9, 1_000_000))));
        assertThat(Rtcp.parse(Rtcp.write(all))).isEqualTo(all);
    }

    record Bad(String name, String hex, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> malformed() {
        return Stream.of(
                new Bad("empty", "", "empty RTCP packet"),
                new Bad("three bytes", "80 c9 00", "RTCP packet 0 (at byte 0): header needs 4 bytes but only 3 remain"),
                new Bad("version 1", "40 c9 00 01 12345678", "RTCP packet 0 (at byte 0): version 1, expected 2"),
                new Bad("length past the end", "80 c9 00 02 12345678", "RTCP packet 0 (at byte 0): type 201 declares 12 bytes but only 8 remain"),
                new Bad("second packet's length past the end", "80 c9 00 01 12345678 81 ce 00 02 12345678",
                        "RTCP packet 1 (at byte 8): type 206 declares 12 bytes but only 8 remain"),
                new Bad("unknown type with its length past the end", "80 cc 00 05 12345678",
                        "RTCP packet 0 (at byte 0): type 204 declares 24 bytes but only 8 remain"),
                new Bad("padding larger than the body", "a0 c9 00 01 12345678",
                        "RTCP packet 0 (at byte 0): padding count 120 does not fit its body of 4 bytes"),
                new Bad("padding count 0", "a0 c9 00 01 12345600",
                        "RTCP packet 0 (at byte 0): padding count 0 does not fit its body of 4 bytes"),
                new Bad("SR report count past the end", "82 c8 00 0c " + "12345678".repeat(12),
                        "RTCP packet 0 (at byte 0): SR report count 2 needs 48 bytes of report blocks but only 24 remain"),
                new Bad("SR without sender info", "80 c8 00 01 12345678",
                        "RTCP packet 0 (at byte 0): SR NTP timestamp needs 8 bytes but only 0 remain"),
                new Bad("RR report count past the end", "81 c9 00 01 12345678",
                        "RTCP packet 0 (at byte 0): RR report count 1 needs 24 bytes of report blocks but only 0 remain"),
                new Bad("SDES item past the end", "81 ca 00 02 12345678 01 09 41 42",
                        "RTCP packet 0 (at byte 0): SDES item type 1 declares 9 bytes but only 2 remain"),
                new Bad("SDES chunk count past the end", "82 ca 00 02 12345678 01 01 41 00",
                        "RTCP packet 0 (at byte 0): SDES chunk 1 SSRC needs 4 bytes but only 0 remain"),
                new Bad("BYE count past the end", "83 cb 00 02 12345678 12345678",
                        "RTCP packet 0 (at byte 0): BYE source count 3 needs 12 bytes but only 8 remain"),
                new Bad("BYE reason past the end", "81 cb 00 02 12345678 09 41 42 43",
                        "RTCP packet 0 (at byte 0): BYE reason declares 9 bytes but only 3 remain"),
                new Bad("NACK without an entry", "81 cd 00 02 12345678 9abcdef0",
                        "RTCP packet 0 (at byte 0): NACK FCI of 0 bytes is not one or more 4-byte entries"),
                new Bad("PLI without its media SSRC", "81 ce 00 01 12345678",
                        "RTCP packet 0 (at byte 0): PLI media SSRC needs 4 bytes but only 0 remain"),
                new Bad("REMB SSRC count past the end", "8f ce 00 04 12345678 00000000 52454d42 020bd090",
                        "RTCP packet 0 (at byte 0): REMB SSRC count 2 needs 8 bytes but only 0 remain"),
                new Bad("REMB bitrate past 63 bits", "8f ce 00 04 12345678 00000000 52454d42 00ffffff",
                        "RTCP packet 0 (at byte 0): REMB bitrate mantissa 262143 with exponent 63 overflows 63 bits"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void refusesMalformedPacketsNamingWhatIsWrong(Bad b) {
        assertThatThrownBy(() -> Rtcp.parse(Hex.bytes(b.hex())))
                .isInstanceOf(RtpFormatException.class).hasMessage(b.message());
    }

    /** Seeded random mutations of the fixtures and Chromium's packets: each parses (and then round trips) or is refused with the format exception. */
    @Test
    void mutatedPacketsOnlyEverFailWithTheFormatException() {
        Random random = new Random(3550);
        List<byte[]> seeds = new java.util.ArrayList<>(table().map(c -> Hex.bytes(c.hex())).toList());
        for (String f : List.of("rtcp-transport-cc.bin", "rtcp-transport-cc-padded.bin", "rtcp-sr-sdes-xr.bin", "rtcp-rr-xr.bin")) {
            seeds.add(RtpChromiumCaptureTest.load(f));
        }
        for (int i = 0; i < 20_000; i++) {
            byte[] b = seeds.get(i % seeds.size()).clone();
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            try {
                List<RtcpPacket> packets = Rtcp.parse(b);
                // NACK lists that the mutation made unordered are packed differently, so compare sizes only
                assertThat(Rtcp.parse(Rtcp.write(packets))).hasSameSizeAs(packets);
            } catch (RtpFormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }
}
