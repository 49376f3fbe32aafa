package dev.amphi.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebDriver;

/**
 * The watch page's comment timing rules (player's {@code comment-timing.js}, pure functions) run
 * in Chromium: which windows to fetch, what shows at which playhead, what is skipped or dropped.
 */
class CommentTimingBrowserTest {

    @TempDir
    static Path profile;
    static WebDriver browser;

    @BeforeAll
    static void start() throws IOException {
        browser = Chromium.open(profile);
        browser.get("about:blank");
        String source;
        try (InputStream in = CommentTimingBrowserTest.class.getClassLoader().getResourceAsStream("amphi-player/comment-timing.js")) {
            assertThat(in).as("comment-timing.js on the class path").isNotNull();
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Chromium.js(browser, source);
        assertThat(Chromium.js(browser, "return typeof window.AmphiTiming.due;")).isEqualTo("function");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    private Object js(String script) {
        return Chromium.js(browser, "var T = window.AmphiTiming; " + script);
    }

    private String dueAt(Object playhead) {
        return (String) js("var d = T.due([{id: 'a', kind: 'comment', t: 10000}], " + playhead + ");"
                + "return d.show.length ? 'show' : d.missed.length ? 'missed' : 'wait';");
    }

    @Test
    void commentShowsWhenThePlayheadReachesItsTimeAndAtOnceUpToFiveSecondsLate() {
        Map<String, String> table = Map.of("9999", "wait", "10000", "show", "10016", "show", "14999", "show",
                "15000", "show", "15001", "missed", "null", "wait", "40000", "missed");
        table.forEach((playhead, expected) -> assertThat(dueAt(playhead)).as("playhead %s", playhead).isEqualTo(expected));
    }

    @Test
    void fetchesTheWindowsThatCanStillHoldSomethingToShowOnce() {
        String index = "{length: 2000, latest: 10, oldest: 2}";
        assertThat(js("return T.windowsToFetch(" + index + ", 15000, {6: true});")).as("P = 15 s")
                .isEqualTo(List.of(4L, 5L, 7L, 8L, 9L, 10L));
        assertThat(js("return T.windowsToFetch(" + index + ", 21000, {});")).as("P ahead of the latest window")
                .isEqualTo(List.of(7L, 8L, 9L, 10L));
        assertThat(js("return T.windowsToFetch(" + index + ", 0, {});")).as("oldest bounds, 8 at a time")
                .isEqualTo(List.of(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L));
        assertThat(js("return T.windowsToFetch(" + index + ", null, {});")).as("no playhead yet").isEqualTo(List.of(10L));
        assertThat(js("return T.windowsToFetch({length: 2000, latest: null, oldest: null}, 15000, {});")).as("nothing published")
                .isEqualTo(List.of());
    }

    @Test
    void admitSkipsShownAndRemovedIdsAndKeepsProgramTimeOrder() {
        Object ids = js("var w = {comments: ["
                + "{id: '3', t: 5300, text: 'c', mode: 'top', color: '#fe0302', nick: 'n'},"
                + "{id: '1', t: 5100, text: 'a'}, {id: '2', t: 5200, text: 'mine'}, {id: '9', t: 5000, text: 'deleted'}],"
                + "reactions: [{t: 5000, counts: {'👏': 120}}]};"
                + "var q = T.admit([{kind: 'comment', id: '0', t: 5250}], w, {'2': true}, {'9': true});"
                + "q = T.admit(q, w, {'2': true}, {'9': true});" // the same window twice changes nothing
                + "return q.map(function (c) { return c.id; });");
        assertThat(ids).isEqualTo(List.of("r5000", "1", "0", "3"));
        assertThat(js("return T.drop([{id: '1', t: 1}, {id: '2', t: 2}], {'1': true}).map(function (c) { return c.id; });"))
                .isEqualTo(List.of("2"));
    }

    @Test
    void playbackAtFrameStepsShowsEachCommentWithinOneFrameOfItsTime() {
        // A viewer's playhead advances 16.7 ms per frame from 100 s; comments at various times, one
        // 2 s behind the playhead when it arrives (shown at once), one 6 s behind (never shown live).
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) js(
                "var q = T.admit([], {comments: [{id: 'a', t: 100500}, {id: 'b', t: 101234}, {id: 'c', t: 102000},"
                + "{id: 'late', t: 98000}, {id: 'old', t: 94000}]}, {}, {});"
                + "var shownAt = {}, missed = [];"
                + "for (var p = 100000; p < 103000; p += 16.7) {"
                + "  var d = T.due(q, p); q = d.wait;"
                + "  d.show.forEach(function (c) { shownAt[c.id] = p; });"
                + "  d.missed.forEach(function (c) { missed.push(c.id); });"
                + "}"
                + "return {shownAt: shownAt, missed: missed, left: q.length};");
        @SuppressWarnings("unchecked")
        Map<String, Number> shownAt = (Map<String, Number>) result.get("shownAt");
        assertThat(shownAt).containsOnlyKeys("a", "b", "c", "late");
        assertThat(shownAt.get("late").doubleValue()).isEqualTo(100000);
        for (Map.Entry<String, Long> e : Map.of("a", 100500L, "b", 101234L, "c", 102000L).entrySet()) {
            assertThat(shownAt.get(e.getKey()).doubleValue() - e.getValue()).as("comment %s shown after its time", e.getKey())
                    .isBetween(0.0, 16.7);
        }
        assertThat(result.get("missed")).isEqualTo(List.of("old"));
        assertThat(((Number) result.get("left")).intValue()).isZero();
    }
}
