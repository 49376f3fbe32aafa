package dev.amphi.transcode.audio;

import static dev.amphi.transcode.audio.TestAudio.amplitude;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AudioMixerTest {

    private static final int RATE = AudioFormat.SAMPLE_RATE;
    private final List<SpeakerAudio> speakers = new ArrayList<>();

    @AfterEach
    void close() {
        speakers.forEach(SpeakerAudio::close);
    }

    /** A speaker whose stream, starting at program time 0, is the given 48 kHz stereo PCM. */
    private SpeakerAudio speaker(String id, float[] pcm) {
        SpeakerAudio s = new SpeakerAudio(id);
        speakers.add(s);
        TestAudio.feed(s, TestAudio.encode(pcm, RATE, 2), 0);
        return s;
    }

    private static float[] tone(double hz, double amplitude, double seconds) {
        return TestAudio.tone(hz, amplitude, seconds, RATE, 2);
    }

    private static double dbfs(double sineAmplitude) {
        return 20 * Math.log10(sineAmplitude / Math.sqrt(2));
    }

    @Test
    void mixContainsBothSpeakersAndMetersEach() {
        speaker("a", tone(440, 0.3, 1.0));
        speaker("b", tone(1000, 0.2, 1.0));
        AudioMixer mixer = new AudioMixer();

        float[] mix = TestAudio.mixAll(mixer, speakers, 1.0);

        for (int ch = 0; ch < 2; ch++) {
            assertThat(amplitude(mix, ch, 9600, 43200, 440)).isCloseTo(0.3, within(0.02));
            assertThat(amplitude(mix, ch, 9600, 43200, 1000)).isCloseTo(0.2, within(0.02));
            assertThat(amplitude(mix, ch, 9600, 43200, 700)).isLessThan(0.01);
        }
        assertThat(mixer.levelsDbfs().get("a")).isCloseTo(dbfs(0.3), within(1.0));
        assertThat(mixer.levelsDbfs().get("b")).isCloseTo(dbfs(0.2), within(1.0));
    }

    @Test
    void mixesOnlyTheLoudestButMetersEveryone() {
        speaker("loud", tone(440, 0.4, 1.0));
        speaker("medium", tone(1000, 0.2, 1.0));
        speaker("quiet", tone(1500, 0.05, 1.0));
        AudioMixer mixer = new AudioMixer(2);

        float[] mix = TestAudio.mixAll(mixer, speakers, 1.0);

        assertThat(amplitude(mix, 0, 9600, 43200, 440)).isCloseTo(0.4, within(0.02));
        assertThat(amplitude(mix, 0, 9600, 43200, 1000)).isCloseTo(0.2, within(0.02));
        assertThat(amplitude(mix, 0, 9600, 43200, 1500)).isLessThan(0.002);
        assertThat(mixer.mixed()).containsExactlyInAnyOrder("loud", "medium");
        assertThat(mixer.levelsDbfs().get("quiet")).isCloseTo(dbfs(0.05), within(1.0));
        // the quiet speaker's audio was consumed even though it was not mixed
        assertThat(speakers.get(2).read(0, new float[2 * RATE], 0, RATE)).isZero();
    }

    @Test
    void aMutedSpeakerLeavesTheMixButIsStillMeteredAndComesBackWhenUnmuted() {
        speaker("a", tone(440, 0.3, 3.0));
        speaker("b", tone(1000, 0.2, 3.0));
        speaker("c", tone(1500, 0.1, 3.0));
        AudioMixer mixer = new AudioMixer(2); // c is out of the mix while a and b are louder
        int chunk = RATE / 50;
        float[] mix = new float[3 * RATE * 2];
        float[] out = new float[chunk * 2];
        for (int k = 0; k < 150; k++) {
            if (k == 50) {
                mixer.muted(java.util.Set.of("a"));
            } else if (k == 100) {
                mixer.muted(java.util.Set.of());
            }
            mixer.mix(speakers, (long) k * chunk, chunk, out);
            System.arraycopy(out, 0, mix, k * chunk * 2, chunk * 2);
            if (k == 99) {
                assertThat(mixer.mixed()).containsExactlyInAnyOrder("b", "c");
                assertThat(mixer.levelsDbfs().get("a")).isCloseTo(dbfs(0.3), within(1.0));
            }
        }
        // first second: a and b; from 1.1 s to 2 s: a gone, its place taken by c; last 0.9 s: a back
        assertThat(amplitude(mix, 0, 9600, 43200, 440)).isCloseTo(0.3, within(0.02));
        assertThat(amplitude(mix, 0, 9600, 43200, 1500)).isLessThan(0.002);
        assertThat(amplitude(mix, 0, 52800, 96000, 440)).isLessThan(0.002);
        assertThat(amplitude(mix, 0, 52800, 96000, 1000)).isCloseTo(0.2, within(0.02));
        assertThat(amplitude(mix, 0, 52800, 96000, 1500)).isCloseTo(0.1, within(0.01));
        assertThat(amplitude(mix, 0, 100800, 144000, 440)).isCloseTo(0.3, within(0.02));
    }

    @Test
    void switchingTheMixedSpeakerFadesWithoutClicks() {
        // "a" talks loudly for 0.5 s, then nearly stops (amplitude change at a zero crossing);
        // "b" talks steadily but softer, so with one mixed voice the mix switches from a to b
        float[] a = tone(440, 0.5, 1.5);
        for (int i = RATE / 2; i < a.length / 2; i++) {
            a[2 * i] *= 0.01f;
            a[2 * i + 1] *= 0.01f;
        }
        speaker("a", a);
        speaker("b", tone(660, 0.4, 1.5));
        AudioMixer mixer = new AudioMixer(1);

        float[] mix = TestAudio.mixAll(mixer, speakers, 1.5);

        assertThat(amplitude(mix, 0, 4800, 21600, 660)).isLessThan(0.005);   // only a at first
        assertThat(amplitude(mix, 0, 52800, 69600, 660)).isCloseTo(0.4, within(0.02)); // then b
        assertThat(mixer.mixed()).containsExactly("b");
        // b enters at up to 0.4 peak: a hard switch would step by up to 0.4 between two samples;
        // a tone's own slope is at most 2 pi f A / rate (0.029 for a, 0.035 for b)
        assertThat(TestAudio.maxStep(mix, 0, 2400, 69600)).isLessThan(0.06);
    }

    @Test
    void limiterKeepsTheSumFromClipping() {
        speaker("a", tone(440, 0.9, 1.0));
        speaker("b", tone(440, 0.9, 1.0));
        speaker("c", tone(440, 0.9, 1.0));
        AudioMixer mixer = new AudioMixer(3);

        float[] mix = TestAudio.mixAll(mixer, speakers, 1.0);

        assertThat(TestAudio.peak(mix, 0, RATE)).isLessThanOrEqualTo(AudioMixer.LIMIT);
        // still the tone, limited not muted
        assertThat(amplitude(mix, 0, 9600, 43200, 440)).isGreaterThan(0.8);
    }

    @Test
    void silentRoomMixesSilenceAndReportsTheFloor() {
        SpeakerAudio mute = new SpeakerAudio("mute");
        speakers.add(mute);
        AudioMixer mixer = new AudioMixer();
        float[] out = new float[960 * 2];
        java.util.Arrays.fill(out, 1f);

        mixer.mix(speakers, 0, 960, out);

        assertThat(TestAudio.peak(out, 0, 960)).isZero();
        assertThat(mixer.levelsDbfs()).containsEntry("mute", AudioMixer.SILENCE_DBFS);
        assertThat(mixer.mixed()).isEmpty();
    }

    @Test
    void speakersWhoLeftAreForgotten() {
        speaker("a", tone(440, 0.3, 0.2));
        speaker("b", tone(660, 0.3, 0.2));
        AudioMixer mixer = new AudioMixer();
        TestAudio.mixAll(mixer, speakers, 0.1);

        mixer.mix(List.of(speakers.get(1)), 4800, 960, new float[2 * 960]);

        assertThat(mixer.levelsDbfs()).containsOnlyKeys("b");
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new AudioMixer(0)).hasMessageContaining("loudest");
        SpeakerAudio s = new SpeakerAudio("x");
        speakers.add(s);
        assertThatThrownBy(() -> new AudioMixer().mix(List.of(s, s), 0, 10, new float[20]))
                .hasMessageContaining("listed twice");
        assertThatThrownBy(() -> new AudioMixer().mix(List.of(s), 0, 10, new float[19]))
                .hasMessageContaining("10 frames");
    }
}
