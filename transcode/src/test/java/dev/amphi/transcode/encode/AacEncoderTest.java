package dev.amphi.transcode.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.media.AacConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AacEncoderTest {

    private static final int RATE = 48_000;

    /** Interleaved stereo: 440 Hz on the left, 1000 Hz on the right, half scale. */
    private static float[] tones(long firstSample, int frames) {
        float[] x = new float[2 * frames];
        for (int i = 0; i < frames; i++) {
            long n = firstSample + i;
            x[2 * i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * n / RATE));
            x[2 * i + 1] = (float) (0.5 * Math.sin(2 * Math.PI * 1000 * n / RATE));
        }
        return x;
    }

    @Test
    void packetsDecodeBackToTheTonesOnTheProgramClock() {
        long start = 96_000; // program sample of the first input sample (2 s)
        List<MediaPacket> packets = new ArrayList<>();
        try (AacEncoder enc = new AacEncoder(128_000)) {
            int chunk = 480; // 10 ms, not a multiple of the AAC frame
            for (int c = 0; c < 100; c++) {
                long at = start + (long) c * chunk;
                packets.addAll(enc.encode(tones(at, chunk), 0, chunk, at));
            }
            packets.addAll(enc.flush());
        }
        assertThat(packets).allMatch(p -> p.kind() == MediaKind.AUDIO && p.keyframe() && p.compositionOffset() == 0);
        // the first packet is the encoder's priming frame, one frame before the first input sample
        assertThat(packets.get(0).pts()).isEqualTo(start * 90_000 / RATE - 1920);
        for (int i = 1; i < packets.size(); i++) {
            assertThat(packets.get(i).dts() - packets.get(i - 1).dts()).isEqualTo(1920);
        }
        assertThat(packets.size()).isBetween(48_000 / 1024 + 1, 48_000 / 1024 + 3);

        float[][] pcm = Decoded.audio(packets);
        int from = 1024 + 4800; // skip priming and the first 100 ms
        int n = 19_200; // 400 ms
        assertThat(Decoded.tonePower(pcm[0], from, n, 440, RATE)).isGreaterThan(0.9);
        assertThat(Decoded.tonePower(pcm[0], from, n, 1000, RATE)).isLessThan(0.01);
        assertThat(Decoded.tonePower(pcm[1], from, n, 1000, RATE)).isGreaterThan(0.9);
        assertThat(Decoded.tonePower(pcm[1], from, n, 440, RATE)).isLessThan(0.01);
        // decoded sample k is input sample k - 1024 (priming): the reference tone lines up best there
        int bestLag = Integer.MIN_VALUE;
        double best = Double.NEGATIVE_INFINITY;
        for (int lag = -50; lag <= 50; lag++) {
            double corr = 0;
            for (int k = from; k < from + 4800; k++) {
                corr += pcm[0][k] * Math.sin(2 * Math.PI * 440 * (start + k - 1024 + lag) / RATE);
            }
            if (corr > best) {
                best = corr;
                bestLag = lag;
            }
        }
        assertThat(bestLag).isBetween(-2, 2);
    }

    @Test
    void configIsAacLcAt48kHzStereo() {
        try (AacEncoder enc = new AacEncoder(96_000)) {
            AacConfig c = enc.config();
            assertThat(c.objectType()).isEqualTo(2);
            assertThat(c.sampleRate()).isEqualTo(48_000);
            assertThat(c.channels()).isEqualTo(2);
            assertThat(c.rfc6381()).isEqualTo("mp4a.40.2");
        }
    }

    @Test
    void fillsGapsWithSilenceAndDropsOverlapsKeepingTimestampsContinuous() {
        List<MediaPacket> packets = new ArrayList<>();
        try (AacEncoder enc = new AacEncoder(128_000)) {
            packets.addAll(enc.encode(tones(0, 4800), 0, 4800, 0));
            packets.addAll(enc.encode(tones(9600, 4800), 0, 4800, 9600)); // 4800 missing samples
            packets.addAll(enc.encode(tones(14_000, 1000), 0, 1000, 14_000)); // 400 overlap
            packets.addAll(enc.flush());
            assertThat(enc.silenceFilled()).isEqualTo(4800);
            assertThat(enc.overlapDropped()).isEqualTo(400);
        }
        for (int i = 1; i < packets.size(); i++) {
            assertThat(packets.get(i).pts() - packets.get(i - 1).pts()).isEqualTo(1920);
        }
        float[][] pcm = Decoded.audio(packets);
        // input samples 5200..9200 were silence; decoded index = input + 1024
        double gapPower = 0;
        for (int k = 5200 + 1024; k < 9200 + 1024; k++) {
            gapPower += pcm[0][k] * pcm[0][k];
        }
        assertThat(gapPower / 4000).isLessThan(1e-4);
        assertThat(Decoded.tonePower(pcm[0], 10_000 + 1024, 3200, 440, RATE)).isGreaterThan(0.8);
    }

    @Test
    void rejectsBadArgumentsWithPreciseMessages() {
        assertThatThrownBy(() -> new AacEncoder(1000)).hasMessageContaining("1000");
        try (AacEncoder enc = new AacEncoder(128_000)) {
            assertThatThrownBy(() -> enc.encode(new float[10], 4, 4, 0)).hasMessageContaining("do not fit in 10 floats");
            enc.flush();
            assertThatThrownBy(() -> enc.encode(new float[10], 0, 1, 0)).hasMessageContaining("flushed");
            enc.close();
            enc.close();
        }
    }
}
