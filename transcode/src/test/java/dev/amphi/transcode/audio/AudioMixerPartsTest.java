package dev.amphi.transcode.audio;

import static dev.amphi.transcode.audio.TestAudio.amplitude;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Mix-minus support of the mixer: the mix without one speaker, and who is in the mix. */
class AudioMixerPartsTest {

    private static final int RATE = AudioFormat.SAMPLE_RATE;
    private final List<SpeakerAudio> speakers = new ArrayList<>();

    @AfterEach
    void close() {
        speakers.forEach(SpeakerAudio::close);
    }

    private void speaker(String id, double hz, double amplitude) {
        SpeakerAudio s = new SpeakerAudio(id);
        speakers.add(s);
        TestAudio.feed(s, TestAudio.encode(TestAudio.tone(hz, amplitude, 1.0, RATE, 2), RATE, 2), 0);
    }

    @Test
    void theMixWithoutASpeakerHoldsEveryOtherMixedSpeakerButNotThem() {
        speaker("a", 440, 0.3);
        speaker("b", 1000, 0.2);
        speaker("quiet", 1500, 0.02);
        AudioMixer mixer = new AudioMixer(2);
        mixer.keepParts(true);
        int chunk = RATE / 50;
        float[] out = new float[2 * chunk];
        float[] withoutA = new float[2 * RATE];
        float[] withoutB = new float[2 * RATE];
        float[] part = new float[2 * chunk];
        for (int k = 0; k < 50; k++) {
            mixer.mix(speakers, (long) k * chunk, chunk, out);
            mixer.mixWithout("a", part);
            System.arraycopy(part, 0, withoutA, 2 * k * chunk, 2 * chunk);
            mixer.mixWithout("b", part);
            System.arraycopy(part, 0, withoutB, 2 * k * chunk, 2 * chunk);
        }
        assertThat(mixer.lastMixed()).containsExactlyInAnyOrder("a", "b");
        for (int ch = 0; ch < 2; ch++) {
            assertThat(amplitude(withoutA, ch, 9600, 43200, 440)).as("a's own voice").isLessThan(0.001);
            assertThat(amplitude(withoutA, ch, 9600, 43200, 1000)).isCloseTo(0.2, within(0.02));
            assertThat(amplitude(withoutB, ch, 9600, 43200, 440)).isCloseTo(0.3, within(0.02));
            assertThat(amplitude(withoutB, ch, 9600, 43200, 1000)).as("b's own voice").isLessThan(0.001);
            assertThat(amplitude(withoutA, ch, 9600, 43200, 1500)).as("not among the loudest, so in no mix").isLessThan(0.001);
        }
    }

    @Test
    void partsAreKeptOnlyWhenAsked() {
        speaker("a", 440, 0.3);
        AudioMixer mixer = new AudioMixer(2);
        float[] out = new float[2 * 960];
        mixer.mix(speakers, 0, 960, out);
        assertThat(mixer.lastMixed()).isEmpty();
        mixer.keepParts(true);
        mixer.mix(speakers, 960, 960, out);
        assertThat(mixer.lastMixed()).containsExactly("a");
    }
}
