package dev.amphi.ingest.rtmp.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FailedPublishThrottleTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(5 * SECOND);
    private final FailedPublishThrottle throttle = new FailedPublishThrottle(3, Duration.ofSeconds(60), now::get);

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void anAddressIsRefusedAfterItsFailuresForTheRestOfTheWindow() throws Exception {
        InetAddress guesser = ip("192.0.2.7");
        throttle.failed(guesser);
        now.addAndGet(10 * SECOND);
        throttle.failed(guesser);
        assertThat(throttle.retryAfterNanos(guesser)).as("two failures: still allowed").isZero();
        now.addAndGet(10 * SECOND);
        throttle.failed(guesser);
        assertThat(throttle.retryAfterNanos(guesser)).as("refused until a minute after the first failure").isEqualTo(40 * SECOND);
        assertThat(throttle.retryAfterNanos(ip("192.0.2.8"))).as("another address").isZero();
        now.addAndGet(40 * SECOND);
        assertThat(throttle.retryAfterNanos(guesser)).as("the window is over").isZero();
        throttle.failed(guesser);
        assertThat(throttle.retryAfterNanos(guesser)).as("it starts afresh").isZero();
    }

    @Test
    void failuresSpreadOverMoreThanTheWindowNeverRefuse() throws Exception {
        InetAddress typo = ip("2001:db8::1");
        for (int i = 0; i < 10; i++) {
            throttle.failed(typo);
            assertThat(throttle.retryAfterNanos(typo)).isZero();
            now.addAndGet(31 * SECOND);
        }
    }

    @Test
    void zeroTurnsItOffAndBadValuesAreNamed() throws Exception {
        FailedPublishThrottle off = new FailedPublishThrottle(0, Duration.ofSeconds(1), now::get);
        for (int i = 0; i < 100; i++) {
            off.failed(ip("192.0.2.1"));
        }
        assertThat(off.retryAfterNanos(ip("192.0.2.1"))).isZero();
        assertThatThrownBy(() -> new FailedPublishThrottle(-1, Duration.ofSeconds(1), now::get)).hasMessageContaining("was -1");
        assertThatThrownBy(() -> new FailedPublishThrottle(1, Duration.ZERO, now::get)).hasMessageContaining("positive");
    }

    @Test
    void addressesWhoseWindowEndedAreForgottenSoMemoryStaysBounded() throws Exception {
        byte[] a = {10, 0, 0, 0};
        for (int i = 0; i < FailedPublishThrottle.MAX_ADDRESSES + 100; i++) {
            a[2] = (byte) (i >> 8);
            a[3] = (byte) i;
            a[1] = (byte) (i >> 16);
            throttle.failed(InetAddress.getByAddress(a));
        }
        assertThat(throttle.tracked()).isEqualTo(FailedPublishThrottle.MAX_ADDRESSES);
        now.addAndGet(61 * SECOND);
        InetAddress late = ip("192.0.2.9");
        throttle.failed(late);
        throttle.failed(late);
        throttle.failed(late);
        assertThat(throttle.tracked()).isEqualTo(1);
        assertThat(throttle.retryAfterNanos(late)).isPositive();
    }
}
