package dev.amphi.transcode.encode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
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

    @Test
    void picksTheSlowestPresetThatIsFastEnough() {
        Map<String, Double> speed = Map.of("veryfast", 1.2, "superfast", 1.7, "ultrafast", 3.0);
        PresetChooser.Choice c = PresetChooser.pick(PresetChooser.CANDIDATES, speed::get, 1.5);
        assertThat(c.preset()).isEqualTo("superfast");
        assertThat(c.reason()).contains("veryfast 1.20x", "superfast 1.70x").doesNotContain("ultrafast");
    }

    @Test
    void fallsBackToTheFastestWhenNoneIsFastEnough() {
        PresetChooser.Choice c = PresetChooser.pick(List.of("veryfast", "ultrafast"), p -> 0.4, 1.5);
        assertThat(c.preset()).isEqualTo("ultrafast");
        assertThat(c.reason()).contains("none reaches");
    }

    @Test
    void calibratesOnThisMachineWithARealLadder() {
        List<Rung> rungs = List.of(new Rung("small", 320, 180, 300_000), new Rung("tiny", 160, 90, 100_000));
        PresetChooser.Choice c = PresetChooser.calibrate(320, 180, rungs, EncoderSettings.x264("medium", 30, 30));
        assertThat(PresetChooser.CANDIDATES).contains(c.preset());
        assertThat(c.reason()).startsWith("calibrated: veryfast ");
        double speed = PresetChooser.speedOf(320, 180, rungs, EncoderSettings.x264("ultrafast", 30, 30));
        assertThat(speed).isGreaterThan(0.5); // a 320x180 ladder runs near or above real time even on a busy box
    }
}
