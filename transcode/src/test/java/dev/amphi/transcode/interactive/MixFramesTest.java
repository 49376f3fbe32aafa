package dev.amphi.transcode.interactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.audio.AudioMixer;
import dev.amphi.transcode.audio.SpeakerAudio;
import dev.amphi.transcode.encode.AacEncoder;
import dev.amphi.transcode.testing.Goertzel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The program's chunks cut into 20 ms frames of every mix, on the program thread's schedule. */
class MixFramesTest {

    private static final int RATE = 48_000;
    private final List<SpeakerAudio> speakers = new ArrayList<>();

    @AfterEach
    void close() {
        speakers.forEach(SpeakerAudio::close);
    }

    /** A speaker whose stream, from program time 0, is a tone with the given amplitude over time. */
    private void speaker(String id, double hz, double seconds, DoubleUnaryOperator amplitude) {
        SpeakerAudio s = new SpeakerAudio(id);
        speakers.add(s);
        int n = (int) (seconds * RATE);
        float[] pcm = new float[2 * n];
        for (int i = 0; i < n; i++) {
            double t = (double) i / RATE;
            pcm[2 * i] = (float) (amplitude.applyAsDouble(t) * Math.sin(2 * Math.PI * hz * t));
            pcm[2 * i + 1] = pcm[2 * i];
        }
        try (AacEncoder aac = new AacEncoder(128_000)) {
            List<MediaPacket> packets = new ArrayList<>(aac.encode(pcm, 0, n, 0));
            packets.addAll(aac.flush());
            for (MediaPacket p : packets) {
                s.onPacket(p, p.pts());
            }
        }
    }

    /**
     * Amplitude of {@code hz} in one frame, through a Hann window: the other tone's fade in or out
     * within the frame would otherwise leak into this tone's bin.
     */
    private static double tone(float[] frame, double hz) {
        float[] w = new float[frame.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (frame[i] * (0.5 - 0.5 * Math.cos(2 * Math.PI * i / (w.length - 1))));
        }
        return 2 * Goertzel.amplitude(w, 0, 1, w.length, hz, RATE);
    }

    @Test
    void aSpeakerHeardInAnyPartOfAFrameHasAMixWithoutThemForThatWholeFrame() {
        // one voice mixed: "a" at first, then "b" grows louder at 0.5 s and takes over while "a", still
        // talking, fades out over 30 ms. Both tones make whole cycles in 20 ms: no leakage between them
        speaker("a", 450, 1.5, t -> 0.3);
        speaker("b", 1000, 1.5, t -> t < 0.5 ? 0.05 : 0.6);
        AudioMixer mixer = new AudioMixer(1);
        MixFrames cutter = new MixFrames();
        List<MixFrames.Frame> frames = new ArrayList<>();
        int chunk = RATE / 30; // the program's 30 fps chunks: 1600 samples, not a multiple of 960
        float[] mix = new float[2 * chunk];
        long s0 = 4L * chunk; // 6400: in the middle of frame 6
        for (long s = s0; s < RATE * 14L / 10; s += chunk) {
            mixer.keepParts(true);
            mixer.mix(speakers, s, chunk, mix);
            cutter.add(mixer, mix, s, chunk, Set.of("a", "b"), frames::add);
        }

        long start = s0 / MixFrames.N;
        assertThat(frames.get(0).index()).as("the frame the first chunk falls in").isEqualTo(start);
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i).index()).isEqualTo(start + i);
        }
        boolean sawA = false;
        boolean sawB = false;
        for (MixFrames.Frame f : frames) {
            double aInCommon = tone(f.common(), 450);
            if (aInCommon > 0.005) {
                assertThat(f.minus()).as("frame %d holds a's voice, so it has a mix without a", f.index()).containsKey("a");
            }
            if (f.minus().containsKey("a")) {
                sawA = true;
                assertThat(tone(f.minus().get("a"), 450))
                        .as("a's voice in the mix without a, frame %d", f.index()).isLessThan(0.005);
            }
            if (f.minus().containsKey("b")) {
                sawB = true;
                assertThat(tone(f.minus().get("b"), 1000))
                        .as("b's voice in the mix without b, frame %d", f.index()).isLessThan(0.005);
            }
        }
        assertThat(sawA).as("a was mixed at first").isTrue();
        assertThat(sawB).as("b was mixed later").isTrue();
        MixFrames.Frame last = frames.get(frames.size() - 1);
        assertThat(last.minus()).as("a is out of the mix by the end").doesNotContainKey("a");
        assertThat(tone(last.common(), 450)).isLessThan(0.005);
        assertThat(tone(last.common(), 1000)).isGreaterThan(0.5);
    }
}
