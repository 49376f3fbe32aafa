package dev.amphi.hls.playlist;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the master playlist's BANDWIDTH, AVERAGE-BANDWIDTH and FRAME-RATE are computed from. */
class BitrateMeterTest {

    @Test
    void frameRateIsTheStreamsRateEvenWhenSomeSegmentsLostFrames() {
        BitrateMeter m = new BitrateMeter(2.0);
        m.add(500_000, 2.0, 52);      // a live program's first segment: 8 frames dropped while warming up
        m.add(500_000, 2.0, 60);
        m.add(500_000, 2.0, 59);
        assertThat(m.peakSamplesPerSecond()).isEqualTo(30.0);   // the average would say 28.5
    }

    @Test
    void frameRateOfTwentyNineNinetySevenSurvivesMillisecondSegments() {
        BitrateMeter m = new BitrateMeter(2.0);
        m.add(500_000, 2.002, 60);    // 60 frames of 1001/30000 s
        assertThat(String.format(java.util.Locale.ROOT, "%.3f", m.peakSamplesPerSecond())).isEqualTo("29.970");
    }

    @Test
    void aShortLastSegmentCountsOnlyWhileNoFullOneExists() {
        BitrateMeter m = new BitrateMeter(2.0);
        m.add(10_000, 0.1, 4);        // flushed at a stop: 40 fps and 800 kbit/s over 0.1 s
        assertThat(m.peakSamplesPerSecond()).isEqualTo(40.0);
        assertThat(m.peakBitsPerSecond()).isEqualTo(800_000);
        m.add(500_000, 2.0, 60);
        assertThat(m.peakSamplesPerSecond()).isEqualTo(30.0);
        assertThat(m.peakBitsPerSecond()).isEqualTo(2_000_000);
        assertThat(m.averageBitsPerSecond()).isEqualTo((long) Math.ceil(510_000 * 8 / 2.1));
    }

    @Test
    void nothingPublishedMeansUnknown() {
        BitrateMeter m = new BitrateMeter(2.0);
        assertThat(m.peakSamplesPerSecond()).isZero();
        assertThat(m.peakBitsPerSecond()).isZero();
        assertThat(m.averageBitsPerSecond()).isZero();
    }
}
