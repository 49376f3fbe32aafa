package dev.amphi.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.transcode.video.TileShortcuts;

import org.junit.jupiter.api.Test;

class ShortcutsTest {

    @Test
    void parsesAllNoneAndTheSavingsKept() {
        assertThat(Shortcuts.parse("all")).isEqualTo(TileShortcuts.ALL);
        assertThat(Shortcuts.parse(" none ")).isEqualTo(TileShortcuts.NONE);
        assertThat(Shortcuts.parse("reduced-decoding")).isEqualTo(new TileShortcuts(true, false));
        assertThat(Shortcuts.parse("bilinear-scaling+reduced-decoding")).isEqualTo(TileShortcuts.ALL);
    }

    @Test
    void refusesAnUnknownSavingNamingTheValue() {
        assertThatThrownBy(() -> Shortcuts.parse("fast"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'fast'");
        assertThatThrownBy(() -> Shortcuts.parse(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("''");
    }
}
