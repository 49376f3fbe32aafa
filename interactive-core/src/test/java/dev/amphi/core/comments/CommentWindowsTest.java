package dev.amphi.core.comments;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CommentWindowsTest {

    private static final long ANCHOR = 1_765_000_000_000L; // a segment boundary (epoch ms)
    private static final Duration SEGMENT = Duration.ofSeconds(2);
    private static final Duration HOLD = Duration.ofSeconds(1);
    private static final CommentDraft HI = new CommentDraft("hi", DisplayMode.SCROLL, "#ffffff");

    private static CommentWindows.Accepted comment(long id, long at, long received) {
        return new CommentWindows.Accepted(id, "viewer", "Quiet Owl 7", HI, at, received);
    }

    @Test
    void aCommentGoesToTheWindowOfItsProgramTimeWhichIsPublishedOnceAfterItsEndAndTheHold() {
        CommentWindows w = new CommentWindows(ANCHOR, SEGMENT, HOLD, ANCHOR + 100);
        // posted at 5.2 s by a viewer whose playhead was at 2.5 s: window 1, still open
        assertThat(w.add(comment(1, ANCHOR + 2_500, ANCHOR + 5_200), ANCHOR + 5_200)).isEqualTo(1);
        assertThat(w.publishDue(ANCHOR + 2_999)).as("window 0 ends at 2 s, published at 3 s").isEmpty();
        List<CommentWindows.Window> first = w.publishDue(ANCHOR + 3_000);
        assertThat(first).singleElement().satisfies(win -> {
            assertThat(win.index()).isZero();
            assertThat(win.comments()).isEmpty();
        });
        assertThat(w.publishDue(ANCHOR + 3_000)).as("each window once").isEmpty();
        List<CommentWindows.Window> second = w.publishDue(ANCHOR + 5_000);
        assertThat(second).singleElement().satisfies(win -> {
            assertThat(win.index()).isEqualTo(1);
            assertThat(win.from()).isEqualTo(ANCHOR + 2_000);
            assertThat(win.to()).isEqualTo(ANCHOR + 4_000);
            assertThat(win.comments()).extracting(CommentWindows.Accepted::id).containsExactly(1L);
        });
    }

    @Test
    void aLateCommentGoesToTheWindowOpenAtItsArrivalAndKeepsItsTime() {
        CommentWindows w = new CommentWindows(ANCHOR, SEGMENT, HOLD, ANCHOR);
        w.publishDue(ANCHOR + 7_000); // windows 0..2 are out
        assertThat(w.nextToPublish()).isEqualTo(3);
        long k = w.add(comment(9, ANCHOR + 1_000, ANCHOR + 7_100), ANCHOR + 7_100);
        assertThat(k).as("the window open at 7.1 s").isEqualTo(3);
        List<CommentWindows.Window> out = w.publishDue(ANCHOR + 9_000);
        assertThat(out).singleElement().satisfies(win ->
                assertThat(win.comments()).singleElement().satisfies(c -> assertThat(c.at()).isEqualTo(ANCHOR + 1_000)));
    }

    @Test
    void aTimeInTheFutureOrBeforeTheFirstWindowWaitsInTheOpenOne() {
        CommentWindows w = new CommentWindows(ANCHOR, SEGMENT, HOLD, ANCHOR + 10_000);
        assertThat(w.add(comment(1, ANCHOR + 60_000, ANCHOR + 10_500), ANCHOR + 10_500)).isEqualTo(5);
        assertThat(w.add(comment(2, ANCHOR - 5_000, ANCHOR + 10_500), ANCHOR + 10_500)).isEqualTo(5);
    }

    @Test
    void windowsListTheirCommentsInProgramTimeOrder() {
        CommentWindows w = new CommentWindows(ANCHOR, SEGMENT, HOLD, ANCHOR);
        w.add(comment(1, ANCHOR + 1_900, ANCHOR + 1_950), ANCHOR + 1_950);
        w.add(comment(2, ANCHOR + 100, ANCHOR + 1_960), ANCHOR + 1_960);
        w.add(comment(3, ANCHOR + 1_000, ANCHOR + 2_100), ANCHOR + 2_100);
        assertThat(w.publishDue(ANCHOR + 3_000).get(0).comments()).extracting(CommentWindows.Accepted::id).containsExactly(2L, 3L, 1L);
    }

    @Test
    void everyCommentAppearsInExactlyOneWindowNeverBeforeItsTime() {
        Random random = new Random(12);
        CommentWindows w = new CommentWindows(ANCHOR, SEGMENT, HOLD, ANCHOR);
        Map<Long, Long> at = new HashMap<>();
        Map<Long, Boolean> onTime = new HashMap<>();
        List<CommentWindows.Window> published = new ArrayList<>();
        long now = ANCHOR;
        for (long id = 0; id < 5_000; id++) {
            now += random.nextInt(40);
            long t = now - random.nextInt(12_000); // playheads from live to 12 s behind
            onTime.put(id, w.index(t) >= w.nextToPublish());
            at.put(id, t);
            w.add(comment(id, t, now), now);
            if (random.nextInt(10) == 0) {
                published.addAll(w.publishDue(now));
            }
        }
        published.addAll(w.publishDue(now + 10_000));
        Map<Long, Long> windowOf = new HashMap<>();
        long expectedIndex = published.get(0).index();
        for (CommentWindows.Window win : published) {
            assertThat(win.index()).as("windows in order, none skipped").isEqualTo(expectedIndex++);
            for (CommentWindows.Accepted c : win.comments()) {
                assertThat(windowOf.put(c.id(), win.index())).as("comment %d in one window only", c.id()).isNull();
            }
        }
        assertThat(windowOf).hasSize(at.size());
        for (var e : windowOf.entrySet()) {
            long own = w.index(at.get(e.getKey()));
            if (onTime.get(e.getKey())) {
                assertThat(e.getValue()).as("comment %d arrived before its window was out", e.getKey()).isEqualTo(own);
            } else {
                assertThat(e.getValue()).as("late comment %d, a later window", e.getKey()).isGreaterThan(own);
            }
        }
    }

    @Test
    void reactionsAreCountedPerSecondInTheWindowOfTheirTimeByTheSameLateRule() {
        CommentWindows w = new CommentWindows(ANCHOR, SEGMENT, HOLD, ANCHOR);
        for (int i = 0; i < 120; i++) {
            w.react("👏", ANCHOR + 1_000 + i, ANCHOR + 1_500);
        }
        w.react("❤️", ANCHOR + 1_999, ANCHOR + 1_500);
        w.react("👏", ANCHOR + 200, ANCHOR + 1_500);
        List<CommentWindows.Window> first = w.publishDue(ANCHOR + 3_000);
        assertThat(first).singleElement().satisfies(win -> {
            assertThat(win.comments()).isEmpty();
            assertThat(win.reactions()).containsExactly(
                    new CommentWindows.ReactionSecond(ANCHOR, Map.of("👏", 1)),
                    new CommentWindows.ReactionSecond(ANCHOR + 1_000, Map.of("👏", 120, "❤️", 1)));
        });
        // window 0 is out: a tap at its time, arriving at 3.5 s, is counted in window 1, keeping its second
        assertThat(w.react("🎉", ANCHOR + 1_000, ANCHOR + 3_500)).isEqualTo(1);
        assertThat(w.publishDue(ANCHOR + 5_000)).singleElement().satisfies(win ->
                assertThat(win.reactions()).containsExactly(new CommentWindows.ReactionSecond(ANCHOR + 1_000, Map.of("🎉", 1))));
    }

    @Test
    void aCommentRemovedBeforeItsWindowIsPublishedIsInNoWindow() {
        CommentWindows w = new CommentWindows(ANCHOR, SEGMENT, HOLD, ANCHOR);
        w.add(comment(1, ANCHOR + 500, ANCHOR + 600), ANCHOR + 600);
        w.add(comment(2, ANCHOR + 700, ANCHOR + 800), ANCHOR + 800);
        assertThat(w.remove(1)).isTrue();
        assertThat(w.remove(1)).as("once").isFalse();
        assertThat(w.publishDue(ANCHOR + 3_000)).singleElement().satisfies(win ->
                assertThat(win.comments()).extracting(CommentWindows.Accepted::id).containsExactly(2L));
        assertThat(w.remove(2)).as("published: too late to take out").isFalse();
    }
}
