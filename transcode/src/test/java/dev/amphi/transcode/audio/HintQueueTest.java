package dev.amphi.transcode.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HintQueueTest {

    @Test
    void aReadAveragesTheClaimsItOverlapsAndForgetsWhatLiesBehindIt() {
        HintQueue q = new HintQueue(8);
        q.add(0, 960, 1e-4);
        q.add(960, 1920, 1e-6);
        assertThat(q.meanPower(0, 960)).isCloseTo(1e-4, within(1e-12));
        assertThat(q.meanPower(480, 960)).as("half of each").isCloseTo((1e-4 + 1e-6) / 2, within(1e-12));
        assertThat(q.size()).isEqualTo(2);
        assertThat(q.meanPower(960, 1920)).as("half claimed, half nothing").isCloseTo(1e-6 / 2, within(1e-12));
        assertThat(q.size()).as("the first range lies behind the read").isEqualTo(1);
        assertThat(q.meanPower(1920, 960)).isZero();
        assertThat(q.size()).isZero();
    }

    @Test
    void aFullQueueForgetsItsOldestClaim() {
        HintQueue q = new HintQueue(2);
        q.add(0, 10, 1);
        q.add(10, 20, 2);
        q.add(20, 30, 3);
        assertThat(q.size()).isEqualTo(2);
        assertThat(q.meanPower(0, 10)).isZero();
        assertThat(q.meanPower(10, 20)).isCloseTo(2.5, within(1e-12));
    }
}
