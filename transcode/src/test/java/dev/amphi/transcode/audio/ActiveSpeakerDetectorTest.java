package dev.amphi.transcode.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ActiveSpeakerDetectorTest {

    private static final long TICK = 1800; // 20 ms at 90 kHz
    private static final long HOLD = 90_000;

    private final ActiveSpeakerDetector detector = new ActiveSpeakerDetector(HOLD, -45);
    private long pts;

    /** Feeds the same levels for {@code millis} ms in 20 ms steps, returns the last answer. */
    private Optional<String> run(Map<String, Double> levels, long millis) {
        Optional<String> active = Optional.empty();
        for (long t = 0; t < millis; t += 20) {
            active = detector.update(levels, pts);
            pts += TICK;
        }
        return active;
    }

    @Test
    void nobodyIsActiveUntilSomeoneSpeaks() {
        assertThat(run(Map.of("a", -120.0, "b", -60.0), 3000)).isEmpty();
    }

    @Test
    void loudestBecomesActiveOnlyAfterTheHold() {
        assertThat(run(Map.of("a", -20.0, "b", -50.0), 980)).isEmpty();
        assertThat(run(Map.of("a", -20.0, "b", -50.0), 40)).contains("a");
    }

    @Test
    void shortBurstsOfAnotherSpeakerDoNotSteal() {
        run(Map.of("a", -20.0, "b", -60.0), 1500);
        for (int i = 0; i < 5; i++) {
            assertThat(run(Map.of("a", -30.0, "b", -15.0), 600)).contains("a");
            assertThat(run(Map.of("a", -20.0, "b", -60.0), 400)).contains("a");
        }
    }

    @Test
    void anotherSpeakerWinsAfterLeadingForTheHold() {
        run(Map.of("a", -20.0, "b", -60.0), 1500);
        assertThat(run(Map.of("a", -40.0, "b", -18.0), 980)).contains("a");
        assertThat(run(Map.of("a", -40.0, "b", -18.0), 40)).contains("b");
    }

    @Test
    void aCandidateMustBeatTheActiveSpeakerByTheMargin() {
        run(Map.of("a", -20.0, "b", -60.0), 1500);
        assertThat(run(Map.of("a", -20.0, "b", -18.0), 5000)).contains("a");
    }

    @Test
    void silenceKeepsTheLastActiveSpeaker() {
        run(Map.of("a", -60.0, "b", -20.0), 1500);
        assertThat(run(Map.of("a", -120.0, "b", -120.0), 10_000)).contains("b");
    }

    @Test
    void speakersBelowTheThresholdNeverBecomeActive() {
        assertThat(run(Map.of("a", -50.0, "b", -120.0), 5000)).isEmpty();
    }

    @Test
    void activeSpeakerWhoLeftIsForgotten() {
        run(Map.of("a", -20.0, "b", -60.0), 1500);
        assertThat(run(Map.of("b", -120.0), 100)).isEmpty();
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> new ActiveSpeakerDetector(-1, -45)).hasMessageContaining("holdTicks");
        assertThatThrownBy(() -> new ActiveSpeakerDetector(HOLD, 3)).hasMessageContaining("thresholdDbfs");
        assertThatThrownBy(() -> new ActiveSpeakerDetector(HOLD, Double.NaN)).hasMessageContaining("NaN");
    }
}
