package dev.amphi.transcode.video;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.frame.Picture;
import dev.amphi.transcode.frame.Rect;
import dev.amphi.transcode.layout.Layout;
import dev.amphi.transcode.layout.LayoutEngine;
import dev.amphi.transcode.layout.TilePlacement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CompositorTest {

    private static final int W = 640;
    private static final int H = 360;
    private static final List<String> IDS = List.of("a", "b", "c", "d");
    private static final int[] COLOURS = {0xdd2020, 0x20c040, 0x2040dd, 0xe0d020};
    private static final Map<String, List<MediaPacket>> streams = new HashMap<>();

    private final Map<String, SpeakerVideo> videos = new HashMap<>();
    private Compositor compositor;

    @BeforeAll
    static void encode() {
        for (int i = 0; i < IDS.size(); i++) {
            int c = COLOURS[i];
            streams.put(IDS.get(i), TestStreams.solid(320, 180, 10, 10, f -> c));
        }
    }

    @BeforeEach
    void setUp() {
        compositor = new Compositor(W, H);
        for (String id : IDS) {
            videos.put(id, new SpeakerVideo(id));
        }
    }

    @AfterEach
    void tearDown() {
        videos.values().forEach(SpeakerVideo::close);
        compositor.close();
        compositor.close();
    }

    /** Sets each speaker's target to its tile and feeds its first {@code frames} packets. */
    private void decode(List<TilePlacement> tiles, int frames) {
        for (TilePlacement t : tiles) {
            SpeakerVideo v = videos.get(t.speakerId());
            v.target(t.rect().width(), t.rect().height());
            List<MediaPacket> s = streams.get(t.speakerId());
            for (int i = 0; i < frames; i++) {
                v.onPacket(s.get(i), s.get(i).pts());
            }
        }
    }

    private static int[] centre(Picture p, Rect r) {
        return Pixels.yuv(p, r.x() + r.width() / 2, r.y() + r.height() / 2);
    }

    @Test
    void eachSpeakersColourLandsInItsGalleryTile() {
        List<TilePlacement> tiles = LayoutEngine.place(new Layout.Gallery(1), IDS, null, List.of(), W, H);
        decode(tiles, 5);
        Picture out = compositor.compose(tiles, videos::get, id -> "Speaker " + id, 4 * 3000);
        assertThat(out.pts()).isEqualTo(4 * 3000);
        for (int i = 0; i < IDS.size(); i++) {
            Rect r = tiles.get(i).rect();
            int[] expected = TestStreams.yuv(COLOURS[i]);
            assertThat(Pixels.near(out, r.x() + r.width() / 2, r.y() + r.height() / 3, expected, 8))
                    .as("tile %s: %s", IDS.get(i), Pixels.describe(out, r.x() + r.width() / 2, r.y() + r.height() / 3))
                    .isTrue();
        }
        assertThat(Pixels.yuv(out, 1, 1)).containsExactly(Compositor.BACKGROUND_LUMA, 128, 128);
        assertThat(compositor.placeholders()).isZero();
    }

    @Test
    void theNameIsLabelledAtTheTilesBottomLeft() {
        List<TilePlacement> tiles = LayoutEngine.place(new Layout.Gallery(1), List.of("b"), null, List.of(), W, H);
        decode(tiles, 3);
        Picture out = compositor.compose(tiles, videos::get, id -> "WWWWWWWW", 2 * 3000);
        Rect r = tiles.get(0).rect();
        int[] green = TestStreams.yuv(COLOURS[1]);
        int bright = 0;
        int dark = 0;
        for (int y = r.y() + r.height() - 40; y < r.y() + r.height(); y++) {
            for (int x = r.x(); x < r.x() + 150; x++) {
                int l = Pixels.luma(out, x, y);
                bright += l > 200 ? 1 : 0;
                dark += l < green[0] - 30 ? 1 : 0;
            }
        }
        assertThat(bright).as("white text pixels").isGreaterThan(100);
        assertThat(dark).as("translucent dark box pixels").isGreaterThan(500);
        assertThat(Pixels.near(out, r.x() + r.width() - 10, r.y() + 10, green, 8)).isTrue();
    }

    @Test
    void aSpeakerWithoutPicturesGetsAPlaceholderWithItsName() {
        List<TilePlacement> tiles = LayoutEngine.place(new Layout.Gallery(1), List.of("a", "ghost"), null, List.of(), W, H);
        decode(tiles.subList(0, 1), 3);
        Picture out = compositor.compose(tiles, id -> videos.get(id), id -> id.equals("ghost") ? "Ghost" : null, 2 * 3000);
        Rect ghost = tiles.get(1).rect();
        assertThat(Pixels.yuv(out, ghost.x() + 4, ghost.y() + 4)).containsExactly(Compositor.PLACEHOLDER_LUMA, 128, 128);
        int bright = 0;
        for (int x = ghost.x(); x < ghost.x() + ghost.width(); x++) {
            bright += Pixels.luma(out, x, ghost.y() + ghost.height() / 2) > 200 ? 1 : 0;
        }
        assertThat(bright).as("name drawn across the middle of the placeholder").isGreaterThan(5);
        assertThat(compositor.placeholders()).isEqualTo(1);
    }

    @Test
    void aStalledSpeakerFreezesThenTurnsIntoAPlaceholderAfterTwoSeconds() {
        List<TilePlacement> tiles = LayoutEngine.place(new Layout.Gallery(1), List.of("c"), null, List.of(), W, H);
        decode(tiles, 5);
        Rect r = tiles.get(0).rect();
        int[] blue = TestStreams.yuv(COLOURS[2]);
        long last = streams.get("c").get(4).pts();
        assertThat(Pixels.near(compositor.compose(tiles, videos::get, id -> id, last + 90_000), r.x() + 20, r.y() + 20, blue, 8)).isTrue();
        assertThat(Pixels.yuv(compositor.compose(tiles, videos::get, id -> id, last + 180_001), r.x() + 4, r.y() + 4))
                .containsExactly(Compositor.PLACEHOLDER_LUMA, 128, 128);
    }

    @Test
    void picturesDrawnIntoInTurnEachGetTheBackgroundBackAfterARelayout() {
        List<TilePlacement> four = LayoutEngine.place(new Layout.Gallery(1), IDS, null, List.of(), W, H);
        List<TilePlacement> two = LayoutEngine.place(new Layout.Gallery(1), List.of("a", "b"), null, List.of(), W, H);
        decode(four, 6);
        Rect old = four.get(0).rect();
        int x = old.x() + old.width() / 2;
        int y = old.y() + 4;
        assertThat(two).as("a point of the old tile a that no new tile covers").noneMatch(t -> t.rect().x() <= x
                && x < t.rect().x() + t.rect().width() && t.rect().y() <= y && y < t.rect().y() + t.rect().height());
        Picture[] slots = {Picture.allocate(W, H), Picture.allocate(W, H), Picture.allocate(W, H)}; // as the ladder's
        try {
            for (int i = 0; i < slots.length; i++) {
                Picture out = compositor.compose(slots[i], four, videos::get, id -> id, 3000L * i);
                assertThat(out).isSameAs(slots[i]);
                assertThat(Pixels.near(out, x, y, TestStreams.yuv(COLOURS[0]), 8)).as("slot %d shows tile a", i).isTrue();
                assertThat(Pixels.yuv(out, 1, 1)).containsExactly(Compositor.BACKGROUND_LUMA, 128, 128);
            }
            for (int i = 0; i < slots.length; i++) {
                Picture out = compositor.compose(slots[i], two, videos::get, id -> id, 3000L * (3 + i));
                assertThat(Pixels.yuv(out, x, y)).as("slot %d after the relayout", i)
                        .containsExactly(Compositor.BACKGROUND_LUMA, 128, 128);
            }
        } finally {
            for (Picture p : slots) {
                p.close();
            }
        }
    }

    @Test
    void switchingToTheSpeakerLayoutShowsTheActiveSpeakerLargeAtOnce() {
        List<TilePlacement> gallery = LayoutEngine.place(new Layout.Gallery(1), IDS, null, List.of(), W, H);
        decode(gallery, 4);
        compositor.compose(gallery, videos::get, id -> id, 3 * 3000);
        List<TilePlacement> speaker = LayoutEngine.place(new Layout.ActiveSpeaker(), IDS, "d", List.of(), W, H);
        for (TilePlacement t : speaker) {
            videos.get(t.speakerId()).target(t.rect().width(), t.rect().height());
        }
        // the first program picture after the switch: pictures still at the gallery size are scaled on the spot
        Picture out = compositor.compose(speaker, videos::get, id -> id, 3 * 3000);
        TilePlacement main = speaker.get(0);
        assertThat(main.speakerId()).isEqualTo("d");
        Rect r = main.rect();
        int[] yellow = TestStreams.yuv(COLOURS[3]);
        for (int[] xy : new int[][] {{r.x() + 2, r.y() + 2}, {r.x() + r.width() - 2, r.y() + 2}, {r.x() + r.width() / 2, r.y() + r.height() / 3}}) {
            assertThat(Pixels.near(out, xy[0], xy[1], yellow, 12)).as(Pixels.describe(out, xy[0], xy[1])).isTrue();
        }
        assertThat(compositor.placeholders()).isZero();
    }
}
