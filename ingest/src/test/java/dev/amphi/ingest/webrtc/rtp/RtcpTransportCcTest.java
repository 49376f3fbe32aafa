package dev.amphi.ingest.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.ingest.webrtc.rtp.TransportCcFeedback.Arrival;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Transport-cc feedback as a receiver builds it from arrivals, and back. */
class RtcpTransportCcTest {

    static final int NR = TransportCcFeedback.NOT_RECEIVED;

    static TransportCcFeedback roundTrip(TransportCcFeedback f) {
        List<RtcpPacket> parsed = Rtcp.parse(Rtcp.write(f));
        assertThat(parsed).hasSize(1);
        return (TransportCcFeedback) parsed.get(0);
    }

    @Test
    void handBuiltFeedbackGivesItsArrivalTimes() {
        TransportCcFeedback f = (TransportCcFeedback) Rtcp.parse(Hex.bytes(RtcpPacketTest.TRANSPORT_CC)).get(0);
        assertThat(f.packetStatusCount()).isEqualTo(20);
        assertThat(f.baseSequence()).isEqualTo(100);
        assertThat(f.feedbackCount()).isEqualTo(7);
        List<Arrival> arrivals = f.arrivals();
        assertThat(arrivals).hasSize(16); // 15 small deltas and one large
        assertThat(arrivals.get(0)).isEqualTo(new Arrival(100, 1_024_000));
        assertThat(arrivals.get(9)).isEqualTo(new Arrival(109, 1_033_000));
        assertThat(arrivals.get(10)).isEqualTo(new Arrival(111, 1_032_000));
        assertThat(arrivals.get(15)).isEqualTo(new Arrival(119, 1_039_000));
        assertThat(arrivals).extracting(Arrival::sequence).doesNotContain(110, 114, 115, 118);
    }

    @Test
    void receiverFeedbackWithLossReorderingAndWrapComesBackExactly() {
        List<Arrival> arrivals = new ArrayList<>();
        long t = 5_000_123; // not on a 64 ms boundary
        for (int i = 0; i < 40; i++) {
            int seq = (65520 + i) & 0xffff;
            if (i % 9 == 4) {
                continue; // lost
            }
            arrivals.add(new Arrival(seq, t));
            t += i % 5 == 0 ? 80_250 : 500; // some deltas need two bytes
        }
        Arrival a = arrivals.get(5);
        Arrival b = arrivals.get(6);
        arrivals.set(5, new Arrival(a.sequence(), b.arrivalMicros())); // reordered: 65527 overtakes 65526,
        arrivals.set(6, new Arrival(b.sequence(), a.arrivalMicros())); // so its delta is negative
        TransportCcFeedback f = TransportCcFeedback.build(0x11, 0x22, 255, arrivals);
        assertThat(f.baseSequence()).isEqualTo(65520);
        assertThat(f.packetStatusCount()).isEqualTo(40);
        assertThat(f.referenceTime()).isEqualTo(5_000_123 / 64_000);
        TransportCcFeedback back = roundTrip(f);
        assertThat(back).isEqualTo(f);
        assertThat(back.deltas()[7]).isNegative();
        List<Arrival> sorted = new ArrayList<>(arrivals);
        sorted.sort((x, y) -> SequenceNumbers.distance(y.sequence(), x.sequence()));
        assertThat(back.arrivals()).extracting(Arrival::sequence).containsExactlyElementsOf(
                sorted.stream().map(Arrival::sequence).toList());
        // every arrival time within half a tick of the truth
        for (Arrival got : back.arrivals()) {
            long truth = arrivals.stream().filter(x -> x.sequence() == got.sequence()).findFirst().orElseThrow().arrivalMicros();
            assertThat(Math.abs(got.arrivalMicros() - truth)).isLessThanOrEqualTo(125);
        }
    }

    static Stream<int[]> statusPatterns() {
        int[] long1 = new int[300];
        java.util.Arrays.fill(long1, 1);
        int[] mixed = new int[50];
        for (int i = 0; i < mixed.length; i++) {
            mixed[i] = i % 3 == 0 ? NR : i % 7 == 0 ? 1000 : i;
        }
        int[] runs = new int[9000]; // a run longer than one run-length chunk holds (8191)
        java.util.Arrays.fill(runs, NR);
        runs[0] = 0;
        runs[8999] = -300;
        return Stream.of(new int[] {0}, new int[] {-1}, new int[] {NR, 5}, long1, mixed, runs,
                new int[] {255, 256, 0, NR, NR, NR, NR, NR, NR, NR, 32767, -32768});
    }

    @ParameterizedTest
    @MethodSource("statusPatterns")
    void anyStatusPatternRoundTrips(int[] deltas) {
        TransportCcFeedback f = new TransportCcFeedback(1, 2, 65535, 0xffffff, 0, deltas);
        TransportCcFeedback back = roundTrip(f);
        assertThat(back).isEqualTo(f);
        assertThat(Rtcp.write(f).length % 4).isZero();
    }

    @Test
    void refusesArrivalsOneFeedbackCannotHold() {
        assertThatThrownBy(() -> TransportCcFeedback.build(1, 2, 0, List.of(new Arrival(1, 0), new Arrival(2, 9_000_000))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("arrival of packet 2 is 36000 ticks");
        assertThatThrownBy(() -> TransportCcFeedback.build(1, 2, 0, List.of()))
                .hasMessageContaining("at least one arrival");
    }

    record Bad(String name, String hex, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> malformed() {
        String head = "8f cd 00 04 12345678 9abcdef0 ";
        return Stream.of(
                new Bad("no room for the base sequence", "8f cd 00 02 12345678 9abcdef0",
                        "RTCP packet 0 (at byte 0): transport-cc base sequence needs 2 bytes but only 0 remain"),
                new Bad("statuses without chunks", head + "0064 0003 000010 07",
                        "RTCP packet 0 (at byte 0): transport-cc packet status chunk (0 of 3 statuses read) needs 2 bytes but only 0 remain"),
                new Bad("deltas missing", "8f cd 00 05 12345678 9abcdef0 0064 0003 000010 07 2003 0000",
                        "RTCP packet 0 (at byte 0): transport-cc small receive delta of packet 2 needs 1 bytes but only 0 remain"),
                new Bad("reserved status in a run", "8f cd 00 05 12345678 9abcdef0 0064 0001 000010 07 6001 0000",
                        "RTCP packet 0 (at byte 0): transport-cc packet status symbol 3 is reserved"),
                new Bad("reserved status in a two-bit vector", "8f cd 00 05 12345678 9abcdef0 0064 0001 000010 07 f000 0000",
                        "RTCP packet 0 (at byte 0): transport-cc packet status symbol 3 is reserved"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void refusesMalformedFeedbackNamingWhatIsWrong(Bad b) {
        assertThatThrownBy(() -> Rtcp.parse(Hex.bytes(b.hex())))
                .isInstanceOf(RtpFormatException.class).hasMessage(b.message());
    }
}
