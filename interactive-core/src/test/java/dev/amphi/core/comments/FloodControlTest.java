package dev.amphi.core.comments;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FloodControlTest {

    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(42 * SECOND);
    private final FloodControl flood = new FloodControl(FloodControl.Limits.defaults(), now::get);

    @Test
    void aViewerPostsABurstOfThreeThenOneEveryTwoSeconds() {
        for (int i = 0; i < 3; i++) {
            assertThat(flood.admit("hall", "ada", "10.0.0.1")).as("post %d of the burst", i + 1).isEmpty();
        }
        var refused = flood.admit("hall", "ada", "10.0.0.1").orElseThrow();
        assertThat(refused.rule()).isEqualTo("viewer-rate");
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(2));

        now.addAndGet(SECOND);
        assertThat(flood.admit("hall", "ada", "10.0.0.1").orElseThrow().retryAfter()).isEqualTo(Duration.ofSeconds(1));
        now.addAndGet(SECOND);
        assertThat(flood.admit("hall", "ada", "10.0.0.1")).as("a token after 2 s").isEmpty();
        assertThat(flood.admit("hall", "ada", "10.0.0.1")).isPresent();

        assertThat(flood.admit("hall", "grace", "10.0.0.1")).as("another viewer behind the same address").isEmpty();
        assertThat(flood.admit("stage", "ada", "10.0.0.1")).as("the same viewer in another room").isEmpty();
    }

    @Test
    void aRefusedPostTakesNothing() {
        for (int i = 0; i < 3; i++) {
            flood.admit("hall", "ada", "10.0.0.1");
        }
        for (int i = 0; i < 50; i++) { // hammering while refused does not push the next token away
            assertThat(flood.admit("hall", "ada", "10.0.0.1")).isPresent();
        }
        now.addAndGet(2 * SECOND);
        assertThat(flood.admit("hall", "ada", "10.0.0.1")).isEmpty();
    }

    @Test
    void oneAddressIsLimitedAcrossItsViewersAndARoomHasACeiling() {
        FloodControl tight = new FloodControl(new FloodControl.Limits(new FloodControl.Rate(3, Duration.ofSeconds(2)),
                new FloodControl.Rate(5, Duration.ofSeconds(1)), new FloodControl.Rate(8, Duration.ofSeconds(1))), now::get);
        for (int i = 0; i < 5; i++) {
            assertThat(tight.admit("hall", "viewer-" + i, "10.0.0.1")).isEmpty();
        }
        assertThat(tight.admit("hall", "viewer-5", "10.0.0.1").orElseThrow().rule()).isEqualTo("address-rate");
        for (int i = 0; i < 3; i++) {
            assertThat(tight.admit("hall", "other-" + i, "10.0.0." + (2 + i))).isEmpty();
        }
        var ceiling = tight.admit("hall", "other-9", "10.0.0.9").orElseThrow();
        assertThat(ceiling.rule()).isEqualTo("room-rate");
        assertThat(tight.admit("stage", "other-9", "10.0.0.9")).as("other rooms have their own ceiling").isEmpty();
    }

    @Test
    void slowModeLetsAViewerPostOncePerInterval() {
        final Duration tenSeconds = Duration.ofSeconds(10);
        assertThat(flood.admit("hall", "ada", "10.0.0.1", tenSeconds)).isEmpty();
        now.addAndGet(4 * SECOND);
        var refused = flood.admit("hall", "ada", "10.0.0.1", tenSeconds).orElseThrow();
        assertThat(refused.rule()).isEqualTo("slow-mode");
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(6));
        now.addAndGet(6 * SECOND);
        assertThat(flood.admit("hall", "ada", "10.0.0.1", tenSeconds)).isEmpty();

        assertThat(flood.admit("hall", "ada", "10.0.0.1", Duration.ZERO)).as("slow mode off").isEmpty();
    }
}
