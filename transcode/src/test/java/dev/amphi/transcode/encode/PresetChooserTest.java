package dev.amphi.transcode.encode;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PresetChooserTest {

    @Test
    void choosesByCoreCount() {
        assertThat(PresetChooser.byCores(1).preset()).isEqualTo("ultrafast");
        assertThat(PresetChooser.byCores(2).preset()).isEqualTo("ultrafast");
        assertThat(PresetChooser.byCores(4).preset()).isEqualTo("superfast");
        assertThat(PresetChooser.byCores(8).preset()).isEqualTo("superfast");
        assertThat(PresetChooser.byCores(16).preset()).isEqualTo("veryfast");
        assertThat(PresetChooser.byCores(16).reason()).contains("16 cores");
    }
}
