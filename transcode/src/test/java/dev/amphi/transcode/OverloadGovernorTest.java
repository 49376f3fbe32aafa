package dev.amphi.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.transcode.video.SpeakerVideo;
import org.junit.jupiter.api.Test;

class OverloadGovernorTest {

    private static final long FRAME = 33_333_333L;

    private static int run(OverloadGovernor g, int frames, int backlog, long late) {
        int level = g.level();
        for (int i = 0; i < frames; i++) {
            level = g.update(backlog, late, FRAME);
        }
        return level;
    }

    @Test
    void aBriefSpikeShedsNothing() {
        OverloadGovernor g = new OverloadGovernor();
        assertThat(run(g, OverloadGovernor.RAISE_AFTER - 1, 3, 0)).isZero();
        assertThat(run(g, 1, 0, 0)).isZero();
        assertThat(run(g, OverloadGovernor.RAISE_AFTER - 1, 0, 2 * FRAME)).isZero();
        assertThat(g.raises()).isZero();
    }

    @Test
    void sustainedPressureRaisesOneLevelAtATimeUpToKeyframesOnly() {
        OverloadGovernor g = new OverloadGovernor();
        assertThat(run(g, OverloadGovernor.RAISE_AFTER, OverloadGovernor.PRESSURE_BACKLOG, 0)).isEqualTo(1);
        assertThat(run(g, OverloadGovernor.RAISE_AFTER - 1, 3, 0)).isEqualTo(1);
        assertThat(run(g, 1, 3, 0)).isEqualTo(2);
        assertThat(run(g, 10 * OverloadGovernor.RAISE_AFTER, 3, 0)).isEqualTo(SpeakerVideo.SHED_KEYFRAMES);
    }

    @Test
    void aLateProgramFrameIsPressureToo() {
        OverloadGovernor g = new OverloadGovernor();
        assertThat(run(g, OverloadGovernor.RAISE_AFTER, 0, FRAME + 1)).isEqualTo(1);
    }

    @Test
    void calmLowersOneLevelPerCalmPeriodAndNotBefore() {
        OverloadGovernor g = new OverloadGovernor();
        run(g, 3 * OverloadGovernor.RAISE_AFTER, 3, 0);
        assertThat(g.level()).isEqualTo(3);
        assertThat(run(g, OverloadGovernor.CALM_AFTER - 1, 1, 0)).isEqualTo(3);
        assertThat(run(g, 1, 1, 0)).isEqualTo(2);
        // a frame that is neither pressure nor calm (a little late) restarts the calm count
        run(g, OverloadGovernor.CALM_AFTER - 1, 0, 0);
        assertThat(run(g, 1, 0, FRAME * 3 / 4)).isEqualTo(2);
        assertThat(run(g, OverloadGovernor.CALM_AFTER - 1, 0, 0)).isEqualTo(2);
        assertThat(run(g, 2 * OverloadGovernor.CALM_AFTER + 1, 0, 0)).isZero();
    }
}
