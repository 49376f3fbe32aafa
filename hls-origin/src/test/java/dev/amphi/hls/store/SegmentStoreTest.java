package dev.amphi.hls.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SegmentStoreTest {

    private static StoredObject object(int size) {
        return StoredObject.of(new byte[size], StoredObject.MP4_TYPE, Instant.EPOCH, StoredObject.IMMUTABLE);
    }

    @Test
    void neverEvictsPinnedObjectsWhateverTheBound() {
        SegmentStore store = new SegmentStore(1000);
        for (int i = 0; i < 50; i++) {
            store.pin("t/video/seg-" + i + ".m4s", object(400));
        }
        assertThat(store.pinnedBytes()).isEqualTo(50 * 400);
        for (int i = 0; i < 50; i++) {
            assertThat(store.get("t/video/seg-" + i + ".m4s")).isNotNull();
        }
    }

    @Test
    void evictsTheOldestRetiredObjectsBeyondTheByteBound() {
        SegmentStore store = new SegmentStore(1000);
        for (int i = 0; i < 10; i++) {
            store.pin("t/video/seg-" + i + ".m4s", object(300));
        }
        for (int i = 0; i < 8; i++) {
            store.retire("t/video/seg-" + i + ".m4s");
        }
        assertThat(store.retiredBytes()).isLessThanOrEqualTo(1000);
        assertThat(store.pinnedBytes()).isEqualTo(600);
        int retiredKept = 0;
        for (int i = 0; i < 8; i++) {
            if (store.get("t/video/seg-" + i + ".m4s") != null) {
                retiredKept++;
            }
        }
        assertThat(retiredKept).isBetween(1, 3);
        assertThat(store.get("t/video/seg-8.m4s")).isNotNull();
        assertThat(store.get("t/video/seg-9.m4s")).isNotNull();
    }

    @Test
    void retiredObjectsStayReadableWhileTheyFit() {
        SegmentStore store = new SegmentStore(10_000);
        store.pin("a", object(100));
        store.retire("a");
        assertThat(store.get("a")).isNotNull();
        assertThat(store.pinnedBytes()).isZero();
        assertThat(store.retiredBytes()).isEqualTo(100);
    }

    @Test
    void removesAStreamsObjects() {
        SegmentStore store = new SegmentStore(10_000);
        store.pin("a/video/x", object(10));
        store.pin("b/video/x", object(10));
        store.pin("a/video/y", object(10));
        store.retire("a/video/y");
        store.removeAll("a/");
        assertThat(store.get("a/video/x")).isNull();
        assertThat(store.get("a/video/y")).isNull();
        assertThat(store.get("b/video/x")).isNotNull();
        assertThat(store.pinnedBytes()).isEqualTo(10);
    }

    @Test
    void retiredObjectsExpireAfterTheRetentionButPinnedOnesNever() {
        MutableClock clock = new MutableClock();
        SegmentStore store = new SegmentStore(10_000, Duration.ofSeconds(18), clock);
        store.pin("s/video/old.m4s", object(100));
        store.pin("s/video/live.m4s", object(100));
        store.retire("s/video/old.m4s");
        clock.advance(Duration.ofSeconds(17));
        assertThat(store.get("s/video/old.m4s")).isNotNull();
        clock.advance(Duration.ofSeconds(2));
        assertThat(store.get("s/video/old.m4s")).isNull();
        assertThat(store.retiredBytes()).isZero();
        clock.advance(Duration.ofDays(1));
        assertThat(store.get("s/video/live.m4s")).isNotNull();
    }

    @Test
    void bodyIsTheCallersBytesAndServesThemUnchanged() {
        byte[] bytes = {1, 2, 3, 4};
        StoredObject o = StoredObject.of(bytes, StoredObject.MP4_TYPE, Instant.EPOCH, StoredObject.IMMUTABLE);
        assertThat(o.body().getBytes()).containsExactly(1, 2, 3, 4);
        assertThat(o.size()).isEqualTo(4);
        assertThat(o.body().getBytes(1, 3)).containsExactly(2, 3);
    }

    /** A clock the test moves by hand. */
    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
