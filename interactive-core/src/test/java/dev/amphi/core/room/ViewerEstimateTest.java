package dev.amphi.core.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ViewerEstimateTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final ViewerEstimate viewers = new ViewerEstimate(now::get);

    @Test
    void countsDistinctViewersWithinAFewPercentWhateverTheirReports() {
        for (int i = 0; i < 10_000; i++) {
            viewers.seen("hall", "viewer-" + i);
            viewers.seen("hall", "viewer-" + i); // every page reports again: still one viewer
        }
        for (int i = 0; i < 37; i++) {
            viewers.seen("lobby", "v" + i);
        }
        assertThat((double) viewers.estimate("hall")).isCloseTo(10_000, within(10_000 * 0.08));
        assertThat(viewers.estimate("lobby")).isBetween(35, 39);
        assertThat(viewers.estimate("nobody")).isZero();
    }

    @Test
    void aViewerCountsUntilTwoMinutesAfterTheirLastReport() {
        for (int i = 0; i < 500; i++) {
            viewers.seen("hall", "early-" + i);
        }
        now.addAndGet(60_000_000_000L); // the next minute: the earlier ones still count
        for (int i = 0; i < 200; i++) {
            viewers.seen("hall", "late-" + i);
        }
        assertThat((double) viewers.estimate("hall")).isCloseTo(700, within(700 * 0.08));
        now.addAndGet(60_000_000_000L); // one more: only the late ones
        assertThat((double) viewers.estimate("hall")).isCloseTo(200, within(200 * 0.08));
        now.addAndGet(180_000_000_000L); // nobody reported for minutes
        assertThat(viewers.estimate("hall")).isZero();
    }
}
