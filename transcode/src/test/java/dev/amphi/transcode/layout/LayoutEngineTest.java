package dev.amphi.transcode.layout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.transcode.frame.Rect;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LayoutEngineTest {

    private static List<String> speakers(int n) {
        return IntStream.range(0, n).mapToObj(i -> "s" + i).toList();
    }

    /** Tiles are even (Rect checks that), inside the canvas, non-empty and pairwise disjoint. */
    private static void assertGeometry(List<TilePlacement> tiles, int w, int h) {
        for (TilePlacement t : tiles) {
            Rect r = t.rect();
            assertThat(r.x() + r.width()).as("right edge of %s", t).isLessThanOrEqualTo(w);
            assertThat(r.y() + r.height()).as("bottom edge of %s", t).isLessThanOrEqualTo(h);
            assertThat(r.width()).isPositive();
        }
        for (int i = 0; i < tiles.size(); i++) {
            for (int j = i + 1; j < tiles.size(); j++) {
                Rect a = tiles.get(i).rect();
                Rect b = tiles.get(j).rect();
                boolean disjoint = a.x() + a.width() <= b.x() || b.x() + b.width() <= a.x()
                        || a.y() + a.height() <= b.y() || b.y() + b.height() <= a.y();
                assertThat(disjoint).as("%s and %s overlap", tiles.get(i), tiles.get(j)).isTrue();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 9, 10, 25, 48, 49})
    void galleryPutsEverySpeakerOnAGridOfSixteenByNineTiles(int n) {
        List<TilePlacement> tiles = LayoutEngine.place(new Layout.Gallery(1), speakers(n), null, List.of(), 1920, 1080);
        assertThat(tiles).extracting(TilePlacement::speakerId).containsExactlyElementsOf(speakers(n));
        assertGeometry(tiles, 1920, 1080);
        int cols = (int) Math.ceil(Math.sqrt(n));
        Rect first = tiles.get(0).rect();
        assertThat(tiles).allSatisfy(t -> {
            assertThat(t.rect().width()).isEqualTo(first.width());
            assertThat(t.large()).isFalse();
        });
        assertThat(Math.abs(first.width() * 9 - first.height() * 16)).isLessThanOrEqualTo(32);
        int rows = (n + cols - 1) / cols;
        assertThat(tiles.stream().mapToInt(t -> t.rect().y()).distinct().count()).isEqualTo(rows);
        // the grid fills the canvas in at least one direction
        assertThat(cols * first.width() > 1920 * 9 / 10 || rows * first.height() > 1080 * 9 / 10)
                .as("%d columns x %d rows of %s fill the canvas", cols, rows, first).isTrue();
    }

    @Test
    void galleryOfNineIsAThreeByThreeGridFillingTheCanvas() {
        List<TilePlacement> tiles = LayoutEngine.place(new Layout.Gallery(1), speakers(9), null, List.of(), 1920, 1080);
        Rect r = tiles.get(0).rect();
        assertThat(r.width()).isBetween(600, 640);
        assertThat(tiles.get(4).rect().x()).isGreaterThan(tiles.get(3).rect().x());
        assertThat(tiles.get(3).rect().y()).isGreaterThan(tiles.get(0).rect().y());
        assertThat(tiles.get(3).rect().x()).isEqualTo(tiles.get(0).rect().x());
    }

    @Test
    void galleryPagesHoldFortyNineTilesEach() {
        List<String> all = speakers(120);
        assertThat(LayoutEngine.place(new Layout.Gallery(1), all, null, List.of(), 1920, 1080))
                .hasSize(49).first().extracting(TilePlacement::speakerId).isEqualTo("s0");
        List<TilePlacement> page3 = LayoutEngine.place(new Layout.Gallery(3), all, null, List.of(), 1920, 1080);
        assertThat(page3).extracting(TilePlacement::speakerId).containsExactlyElementsOf(all.subList(98, 120));
        assertGeometry(page3, 1920, 1080);
        assertThat(LayoutEngine.place(new Layout.Gallery(9), all, null, List.of(), 1920, 1080)).isEqualTo(page3);
    }

    @Test
    void speakerLayoutShowsTheActiveSpeakerLargeOnTopAndRecentSpeakersBelow() {
        List<String> room = speakers(10);
        List<TilePlacement> tiles = LayoutEngine.place(new Layout.ActiveSpeaker(), room, "s7",
                List.of("s7", "s3", "s9"), 1920, 1080);
        assertGeometry(tiles, 1920, 1080);
        assertThat(tiles).hasSize(1 + LayoutEngine.STRIP_SIZE);
        TilePlacement main = tiles.get(0);
        assertThat(main.speakerId()).isEqualTo("s7");
        assertThat(main.large()).isTrue();
        assertThat(main.rect().height()).isBetween(1080 * 7 / 10, 1080 * 3 / 4);
        assertThat(tiles.subList(1, tiles.size())).extracting(TilePlacement::speakerId)
                .containsExactly("s3", "s9", "s0", "s1", "s2", "s4");
        assertThat(tiles.subList(1, tiles.size())).allSatisfy(t -> {
            assertThat(t.large()).isFalse();
            assertThat(t.rect().y()).isGreaterThanOrEqualTo(main.rect().y() + main.rect().height());
        });
    }

    @Test
    void speakerLayoutFallsBackToTheMostRecentThenTheFirstSpeaker() {
        List<String> room = speakers(3);
        assertThat(LayoutEngine.place(new Layout.ActiveSpeaker(), room, "gone", List.of("gone", "s2"), 1280, 720)
                .get(0).speakerId()).isEqualTo("s2");
        assertThat(LayoutEngine.place(new Layout.ActiveSpeaker(), room, null, List.of(), 1280, 720)
                .get(0).speakerId()).isEqualTo("s0");
    }

    @Test
    void aloneTheActiveSpeakerFillsTheCanvas() {
        List<TilePlacement> tiles = LayoutEngine.place(new Layout.ActiveSpeaker(), List.of("a"), "a", List.of(), 1920, 1080);
        assertThat(tiles).hasSize(1);
        assertThat(tiles.get(0).rect().width()).isGreaterThan(1850);
    }

    @Test
    void presentationPutsThePresenterLargeOnTheLeftAndOthersInAColumn() {
        List<String> room = new ArrayList<>(speakers(4));
        room.add("slides");
        List<TilePlacement> tiles = LayoutEngine.place(new Layout.Presentation("slides"), room, "s1",
                List.of("s1"), 1920, 1080);
        assertGeometry(tiles, 1920, 1080);
        assertThat(tiles.get(0).speakerId()).isEqualTo("slides");
        assertThat(tiles.get(0).large()).isTrue();
        assertThat(tiles.get(0).rect().width()).isGreaterThan(1400);
        assertThat(tiles.subList(1, 5)).extracting(TilePlacement::speakerId).containsExactly("s1", "s0", "s2", "s3");
        Rect main = tiles.get(0).rect();
        assertThat(tiles.subList(1, 5)).allSatisfy(t -> assertThat(t.rect().x()).isGreaterThanOrEqualTo(main.x() + main.width()));
    }

    @Test
    void presentationOnAPortraitCanvasPutsThePresenterOnTop() {
        List<TilePlacement> tiles = LayoutEngine.place(new Layout.Presentation("p"), List.of("a", "p", "b"), null,
                List.of(), 720, 1280);
        assertGeometry(tiles, 720, 1280);
        Rect main = tiles.get(0).rect();
        assertThat(tiles.get(0).speakerId()).isEqualTo("p");
        assertThat(tiles.subList(1, 3)).allSatisfy(t -> assertThat(t.rect().y()).isGreaterThanOrEqualTo(main.y() + main.height()));
    }

    @Test
    void presentationWithoutItsPresenterFallsBackToTheSpeakerLayout() {
        List<String> room = speakers(3);
        assertThat(LayoutEngine.place(new Layout.Presentation("absent"), room, "s1", List.of(), 1920, 1080))
                .isEqualTo(LayoutEngine.place(new Layout.ActiveSpeaker(), room, "s1", List.of(), 1920, 1080));
    }

    @Test
    void emptyRoomHasNoTiles() {
        for (Layout l : List.of(new Layout.Gallery(1), new Layout.ActiveSpeaker(), new Layout.Presentation("x"))) {
            assertThat(LayoutEngine.place(l, List.of(), null, List.of(), 1920, 1080)).isEmpty();
        }
    }

    @Test
    void everyLayoutStaysInsideSmallAndOddShapedCanvases() {
        int[][] canvases = {{128, 72}, {640, 360}, {852, 480}, {1080, 1920}, {2000, 500}};
        for (int[] c : canvases) {
            for (int n : new int[] {1, 2, 7, 49}) {
                for (Layout l : List.of(new Layout.Gallery(1), new Layout.ActiveSpeaker(), new Layout.Presentation("s0"))) {
                    assertGeometry(LayoutEngine.place(l, speakers(n), "s1", List.of("s2"), c[0], c[1]), c[0], c[1]);
                }
            }
        }
    }
}
