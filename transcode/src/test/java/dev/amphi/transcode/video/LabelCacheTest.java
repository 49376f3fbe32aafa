package dev.amphi.transcode.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.transcode.frame.Picture;
import dev.amphi.transcode.frame.Rect;
import org.junit.jupiter.api.Test;

class LabelCacheTest {

    @Test
    void rendersEachNameAndHeightOnce() {
        LabelCache cache = new LabelCache(8);
        LabelCache.Label a = cache.label("Ada Lovelace", 24);
        assertThat(cache.label("Ada Lovelace", 24)).isSameAs(a);
        assertThat(cache.label("Ada Lovelace", 32)).isNotSameAs(a);
        assertThat(a.height()).isEqualTo(24);
        assertThat(a.width() % 2).isZero();
        assertThat(cache.label("Ada Lovelace", 32).width()).isGreaterThan(a.width());
    }

    @Test
    void theCacheIsBounded() {
        LabelCache cache = new LabelCache(5);
        for (int i = 0; i < 50; i++) {
            cache.label("speaker " + i, 20);
        }
        assertThat(cache.size()).isEqualTo(5);
        assertThatThrownBy(() -> new LabelCache(0)).hasMessageContaining("1..100000, got 0");
    }

    @Test
    void longNamesAreCutWithAnEllipsis() {
        String longName = "A".repeat(100);
        assertThat(LabelCache.shorten(longName)).hasSize(LabelCache.MAX_NAME_CHARS).endsWith("\u2026");
        assertThat(LabelCache.shorten("  Grace  ")).isEqualTo("Grace");
        LabelCache cache = new LabelCache(4);
        assertThat(cache.label(longName, 20).width()).isEqualTo(cache.label(longName.substring(0, 39) + "\u2026", 20).width());
    }

    @Test
    void drawsInsideTheTileOnly() {
        LabelCache cache = new LabelCache();
        try (Picture canvas = Picture.allocate(320, 180)) {
            canvas.fill(100, 128, 128);
            Rect tile = new Rect(100, 40, 160, 90);
            cache.draw(canvas, "A very long display name that does not fit in the tile", tile);
            int changedInside = 0;
            int changedOutside = 0;
            for (int y = 0; y < 180; y++) {
                for (int x = 0; x < 320; x++) {
                    boolean changed = Pixels.luma(canvas, x, y) != 100;
                    boolean inside = x >= tile.x() && x < tile.x() + tile.width() && y >= tile.y() && y < tile.y() + tile.height();
                    if (changed && inside) {
                        changedInside++;
                    } else if (changed) {
                        changedOutside++;
                    }
                }
            }
            assertThat(changedInside).isGreaterThan(500);
            assertThat(changedOutside).isZero();
            // bottom-left: the label is in the lower part of the tile
            assertThat(Pixels.luma(canvas, tile.x() + 10, tile.y() + 10)).isEqualTo(100);
        }
    }
}
