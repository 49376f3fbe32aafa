package dev.amphi.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.transcode.encode.EncoderSettings;
import dev.amphi.transcode.encode.PresetChooser.Choice;
import dev.amphi.transcode.encode.Rung;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PresetCalibrationTest {

    @Test
    void picksTheSlowestPresetThatIsFastEnough() {
        Map<String, Double> speed = Map.of("veryfast", 1.2, "superfast", 1.7, "ultrafast", 3.0);
        Choice c = PresetCalibration.pick(PresetCalibration.CANDIDATES, speed::get, 1.5);
        assertThat(c.preset()).isEqualTo("superfast");
        assertThat(c.reason()).contains("veryfast 1.20x", "superfast 1.70x").doesNotContain("ultrafast");
    }

    @Test
    void fallsBackToTheFastestWhenNoneIsFastEnough() {
        Choice c = PresetCalibration.pick(List.of("veryfast", "ultrafast"), p -> 0.4, 1.5);
        assertThat(c.preset()).isEqualTo("ultrafast");
        assertThat(c.reason()).contains("none reaches");
    }

    @Test
    void calibratesOnThisMachineWithARealLadder() {
        List<Rung> rungs = List.of(new Rung("small", 320, 180, 300_000), new Rung("tiny", 160, 90, 100_000));
        Choice c = PresetCalibration.calibrate(320, 180, rungs, EncoderSettings.x264("medium", 30, 30));
        assertThat(PresetCalibration.CANDIDATES).contains(c.preset());
        assertThat(c.reason()).startsWith("calibrated: veryfast ");
        double speed = PresetCalibration.speedOf(320, 180, rungs, EncoderSettings.x264("ultrafast", 30, 30));
        assertThat(speed).isGreaterThan(0.5); // a 320x180 ladder runs near or above real time even on a busy box
    }
}
