package dev.amphi.ingest.webrtc.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Receive statistics of one source (RFC 3550 A.1, A.3, A.8) on exact, injected arrival times. */
class ReceiveStatisticsTest {

    static final int SSRC = 0xabcdef01;
    static final long MS = 1_000_000L;

    /** Opus at 48 kHz: 20 ms packets, 960 timestamp units apart; packet i arrives at i × 20 ms + extra. */
    static void opus(ReceiveStatistics s, int seq, int i, long extraNanos) {
        s.received(seq & 0xffff, (1000L + 960L * i) & 0xffffffffL, 5_000 * MS + i * 20 * MS + extraNanos);
    }

    @Test
    void packetsInOrderOnTimeReportNoLossNoJitter() {
        ReceiveStatistics s = new ReceiveStatistics(SSRC, 48_000);
        for (int i = 0; i < 100; i++) {
            opus(s, 7 + i, i, 0);
        }
        ReportBlock b = s.reportBlock(0);
        assertThat(b).isEqualTo(new ReportBlock(SSRC, 0, 0, 106, 0, 0, 0));
        assertThat(s.expected()).isEqualTo(100);
    }

    @Test
    void lossesCountCumulativelyAndAsAFractionOfEachInterval() {
        ReceiveStatistics s = new ReceiveStatistics(SSRC, 48_000);
        for (int i = 0; i < 100; i++) {
            if (i % 10 != 5) {
                opus(s, i, i, 0);
            }
        }
        ReportBlock first = s.reportBlock(0);
        assertThat(first.cumulativeLost()).isEqualTo(10);
        assertThat(first.fractionLost()).isEqualTo(25); // 10/100 × 256, rounded down
        for (int i = 100; i < 200; i++) {
            if (i % 4 != 0) {
                opus(s, i, i, 0);
            }
        }
        ReportBlock second = s.reportBlock(0);
        assertThat(second.cumulativeLost()).isEqualTo(35);
        assertThat(second.fractionLost()).isEqualTo(64); // 25/100
        ReportBlock third = s.reportBlock(0);
        assertThat(third.fractionLost()).isZero();
        assertThat(third.cumulativeLost()).isEqualTo(35);
    }

    @Test
    void sequenceWrapCountsACycle() {
        ReceiveStatistics s = new ReceiveStatistics(SSRC, 48_000);
        for (int i = 0; i < 100; i++) {
            opus(s, 65500 + i, i, 0);
        }
        assertThat(s.extendedHighestSequence()).isEqualTo(65536 + 63);
        assertThat(s.reportBlock(0).extendedHighestSequence()).isEqualTo(65599);
        assertThat(s.lost()).isZero();
    }

    @Test
    void lateAndDuplicatePacketsNeitherMoveTheHighestNorCountAsLoss() {
        ReceiveStatistics s = new ReceiveStatistics(SSRC, 48_000);
        for (int seq : List.of(65534, 65535, 1, 0, 2, 2)) {
            s.received(seq, 0, 0);
        }
        assertThat(s.extendedHighestSequence()).isEqualTo(65538);
        assertThat(s.expected()).isEqualTo(5);
        assertThat(s.receivedCount()).isEqualTo(6);
        ReportBlock b = s.reportBlock(0);
        assertThat(b.cumulativeLost()).isEqualTo(-1); // one more duplicate than losses
        assertThat(b.fractionLost()).isZero();
    }

    @Test
    void aLargeJumpIsARestartOnlyWhenTheNextPacketFollowsIt() {
        ReceiveStatistics s = new ReceiveStatistics(SSRC, 48_000);
        for (int i = 0; i < 10; i++) {
            assertThat(s.received(i, 0, 0)).isTrue();
        }
        assertThat(s.received(30_000, 0, 0)).isFalse(); // a stray packet far ahead is ignored...
        assertThat(s.received(10, 0, 0)).isTrue();
        assertThat(s.extendedHighestSequence()).isEqualTo(10);
        assertThat(s.received(40_000, 0, 0)).isFalse(); // ...but two in sequence mean the source restarted
        assertThat(s.received(40_001, 0, 0)).isTrue();
        assertThat(s.extendedHighestSequence()).isEqualTo(40_001);
        assertThat(s.expected()).isEqualTo(1);
        assertThat(s.lost()).isZero();
    }

    @Test
    void probationCountsASourceFromItsSecondPacketInSequence() {
        ReceiveStatistics s = ReceiveStatistics.withProbation(SSRC, 48_000, 2);
        assertThat(s.received(500, 0, 0)).isFalse();
        assertThat(s.received(502, 0, 0)).isFalse(); // out of sequence: probation starts over
        assertThat(s.received(503, 0, 0)).isTrue();
        assertThat(s.received(504, 0, 0)).isTrue();
        assertThat(s.expected()).isEqualTo(2);
        assertThat(s.receivedCount()).isEqualTo(2);
    }

    @Test
    void jitterFollowsRfc3550EstimateOfTransitDifferences() {
        ReceiveStatistics s = new ReceiveStatistics(SSRC, 48_000);
        double reference = 0;
        for (int i = 0; i < 400; i++) {
            opus(s, i, i, i % 2 == 0 ? 0 : 2 * MS); // every other packet 2 ms (96 units) late
            if (i > 0) {
                reference += (96 - reference) / 16; // A.8 in floating point
            }
            if (i == 1) {
                assertThat(s.jitter()).isEqualTo(6); // 96 / 16
            }
        }
        assertThat((double) s.jitter()).isCloseTo(reference, org.assertj.core.data.Offset.offset(1.0));
        assertThat(s.reportBlock(0).jitter()).isEqualTo(s.jitter());
    }

    @Test
    void packetsOfOneFrameDoNotAddJitter() {
        ReceiveStatistics s = new ReceiveStatistics(SSRC, 90_000);
        int seq = 0;
        for (int frame = 0; frame < 50; frame++) {
            long ts = 3000L * frame;
            long sent = frame * 33_333_333L;
            for (int k = 0; k < 5; k++) { // five packets paced 1 ms apart, sharing the frame's timestamp
                s.received(seq++, ts, sent + k * MS);
            }
        }
        assertThat(s.jitter()).isLessThanOrEqualTo(1); // 33 333 333 ns is 2999.99997 units: rounding only
    }

    @Test
    void jitterSurvivesTheTimestampWrap() {
        ReceiveStatistics s = new ReceiveStatistics(SSRC, 48_000);
        for (int i = 0; i < 100; i++) {
            s.received(i, (0xffffffffL - 960L * 50 + 960L * i) & 0xffffffffL, i * 20 * MS);
        }
        assertThat(s.jitter()).isZero();
    }

    @Test
    void reportQuotesTheLastSenderReportAndTheDelaySinceIt() {
        ReceiveStatistics s = new ReceiveStatistics(SSRC, 48_000);
        opus(s, 1, 0, 0);
        assertThat(s.reportBlock(10 * MS).lastSr()).isZero();
        s.senderReport(0xe85c3a1080000000L, 7_000 * MS);
        ReportBlock b = s.reportBlock(7_500 * MS);
        assertThat(b.lastSr()).isEqualTo(0x3a108000L);
        assertThat(b.delaySinceLastSr()).isEqualTo(32_768); // 0.5 s in 1/65536 s
        ReceiverReport rr = new ReceiverReport(0x1, List.of(b));
        assertThat(Rtcp.parse(Rtcp.write(rr))).containsExactly(rr);
    }
}
