package dev.amphi.transcode.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TileShortcutsTest {

    @Test
    void parsesAllNoneAndTheSavingsKept() {
        assertThat(TileShortcuts.parse("all")).isEqualTo(TileShortcuts.ALL);
        assertThat(TileShortcuts.parse(" none ")).isEqualTo(TileShortcuts.NONE);
        assertThat(TileShortcuts.parse("reduced-decoding")).isEqualTo(new TileShortcuts(true, false));
        assertThat(TileShortcuts.parse("bilinear-scaling+reduced-decoding")).isEqualTo(TileShortcuts.ALL);
    }

    @Test
    void refusesAnUnknownSavingNamingTheValue() {
        assertThatThrownBy(() -> TileShortcuts.parse("fast"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'fast'");
        assertThatThrownBy(() -> TileShortcuts.parse(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("''");
    }
}
