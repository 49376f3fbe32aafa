package dev.amphi.transcode.audio;

import static dev.amphi.transcode.audio.TestAudio.amplitude;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.ffmpeg.NativeObjects;
import java.util.Random;
import org.bytedeco.ffmpeg.global.avutil;
import org.junit.jupiter.api.Test;

class SpeakerAudioTest {

    private static final int RATE = AudioFormat.SAMPLE_RATE;

    @Test
    void decodes48kStereoToneAtItsPitchAndLevel() {
        TestAudio.Aac aac = TestAudio.encode(TestAudio.tone(440, 0.5, 1.0, RATE, 2), RATE, 2);
        try (SpeakerAudio speaker = new SpeakerAudio("a")) {
            TestAudio.feed(speaker, aac, 0);
            float[] pcm = new float[RATE * 2];
            int real = speaker.read(0, pcm, 0, RATE);

            assertThat(speaker.decodedFrames()).isEqualTo(aac.frames().size());
            assertThat(speaker.errors()).isZero();
            assertThat(real).isEqualTo(RATE);
            for (int ch = 0; ch < 2; ch++) {
                assertThat(amplitude(pcm, ch, 4800, 43200, 440)).isCloseTo(0.5, within(0.03));
                assertThat(amplitude(pcm, ch, 4800, 43200, 550)).isLessThan(0.01);
            }
        }
    }

    @Test
    void resamples44kMonoTo48kStereoKeepingItsFrequency() {
        TestAudio.Aac aac = TestAudio.encode(TestAudio.tone(1000, 0.5, 1.0, 44_100, 1), 44_100, 1);
        try (SpeakerAudio speaker = new SpeakerAudio("mono")) {
            TestAudio.feed(speaker, aac, 0);
            float[] pcm = new float[RATE * 2];
            int real = speaker.read(0, pcm, 0, RATE);

            // about 1 s of audio (plus the encoder's priming and padding), on the 48 kHz clock
            assertThat(real).isBetween(RATE - 200, RATE);
            for (int ch = 0; ch < 2; ch++) {
                // mono is copied to both channels at full level
                assertThat(amplitude(pcm, ch, 4800, 43200, 1000)).isCloseTo(0.5, within(0.03));
                // played at the wrong rate, 1000 Hz at 44.1 kHz would sound at 1088 Hz
                assertThat(amplitude(pcm, ch, 4800, 43200, 1088.4)).isLessThan(0.01);
            }
        }
    }

    @Test
    void placesAudioAtItsProgramTime() {
        TestAudio.Aac aac = TestAudio.encode(TestAudio.tone(440, 0.5, 0.5, RATE, 2), RATE, 2);
        try (SpeakerAudio speaker = new SpeakerAudio("late")) {
            TestAudio.feed(speaker, aac, MediaPacket.TIMESCALE); // starts at program time 1 s
            float[] before = new float[RATE * 2];
            float[] after = new float[RATE * 2];

            assertThat(speaker.read(0, before, 0, RATE)).isZero();
            int real = speaker.read(RATE, after, 0, RATE);

            assertThat(TestAudio.peak(before, 0, RATE)).isZero();
            assertThat(real).isEqualTo(aac.frames().size() * 1024);
            assertThat(amplitude(after, 0, 2048, 20000, 440)).isCloseTo(0.5, within(0.03));
        }
    }

    @Test
    void readConsumesTheSamples() {
        TestAudio.Aac aac = TestAudio.encode(TestAudio.tone(440, 0.5, 0.2, RATE, 2), RATE, 2);
        try (SpeakerAudio speaker = new SpeakerAudio("a")) {
            TestAudio.feed(speaker, aac, 0);
            float[] pcm = new float[4800 * 2];
            assertThat(speaker.read(0, pcm, 0, 4800)).isEqualTo(4800);
            assertThat(speaker.read(0, pcm, 0, 4800)).isZero();
            assertThat(TestAudio.peak(pcm, 0, 4800)).isZero();
        }
    }

    @Test
    void jitteredMillisecondTimestampsAreWrittenBackToBack() {
        // RTMP carries milliseconds: 1024 samples at 44.1 kHz are 23.22 ms, rounded either way
        TestAudio.Aac aac = TestAudio.encode(TestAudio.tone(1000, 0.5, 1.0, 44_100, 2), 44_100, 2);
        try (SpeakerAudio speaker = new SpeakerAudio("rtmp")) {
            Random random = new Random(7);
            for (int i = 0; i < aac.frames().size(); i++) {
                long millis = Math.round(i * 1024 * 1000.0 / 44_100) + random.nextInt(3) - 1;
                speaker.onPacket(aac.packet(i), MediaPacket.millisToTicks(10 + millis));
            }
            float[] pcm = new float[RATE * 2];
            speaker.read(0, pcm, 0, RATE);

            assertThat(speaker.resyncs()).isZero();
            // a one-sample gap or overlap would show as a step far above the tone's own slope
            double slope = 2 * Math.PI * 1000 * 0.5 / RATE;
            assertThat(TestAudio.maxStep(pcm, 0, 2400, 45000)).isLessThan(slope * 1.5);
        }
    }

    @Test
    void corruptFrameIsCountedAndSkipped() {
        TestAudio.Aac aac = TestAudio.encode(TestAudio.tone(440, 0.5, 1.0, RATE, 2), RATE, 2);
        byte[] garbage = new byte[300];
        new Random(3).nextBytes(garbage);
        try (SpeakerAudio speaker = new SpeakerAudio("broken")) {
            for (int i = 0; i < aac.frames().size(); i++) {
                MediaPacket p = aac.packet(i);
                if (i == 10) {
                    p = new MediaPacket(MediaKind.AUDIO, p.config(), p.dts(), 0, true, garbage);
                } else if (i == 20) {
                    p = new MediaPacket(MediaKind.AUDIO, p.config(), p.dts(), 0, true, new byte[0]);
                }
                MediaPacket packet = p;
                assertThatCode(() -> speaker.onPacket(packet, packet.pts())).doesNotThrowAnyException();
            }
            float[] pcm = new float[RATE * 2];
            speaker.read(0, pcm, 0, RATE);

            assertThat(speaker.errors()).isEqualTo(2);
            assertThat(speaker.decodedFrames()).isEqualTo(aac.frames().size() - 2);
            assertThat(amplitude(pcm, 0, 24000, 45000, 440)).isCloseTo(0.5, within(0.03));
        }
    }

    @Test
    void runningOutOfMemoryIsNotCountedAsABadFrame() {
        TestAudio.Aac aac = TestAudio.encode(TestAudio.tone(440, 0.5, 0.5, RATE, 2), RATE, 2);
        long natives = NativeObjects.live();
        try (SpeakerAudio speaker = new SpeakerAudio("starved")) {
            for (int i = 0; i < 10; i++) {
                speaker.onPacket(aac.packet(i), aac.pts(i, 0));
            }
            MediaPacket next = aac.packet(10);
            avutil.av_max_alloc(16); // every FFmpeg allocation above 16 bytes fails (ENOMEM) until reset
            try {
                assertThatThrownBy(() -> speaker.onPacket(next, aac.pts(10, 0))).isInstanceOf(OutOfMemoryError.class)
                        .hasMessageContaining("av_new_packet");
            } finally {
                avutil.av_max_alloc(Integer.MAX_VALUE);
            }
            assertThat(speaker.errors()).isZero();
            for (int i = 11; i < aac.frames().size(); i++) { // memory is back: the stream goes on
                speaker.onPacket(aac.packet(i), aac.pts(i, 0));
            }
            assertThat(speaker.decodedFrames()).isEqualTo(aac.frames().size() - 1);
            assertThat(speaker.errors()).isZero();
        }
        assertThat(NativeObjects.live()).as("FFmpeg objects alive: %s", NativeObjects.liveByKind()).isEqualTo(natives);
    }

    @Test
    void discontinuityPlacesTheNextFrameAtItsOwnTime() {
        TestAudio.Aac aac = TestAudio.encode(TestAudio.tone(440, 0.5, 0.3, RATE, 2), RATE, 2);
        try (SpeakerAudio speaker = new SpeakerAudio("reconnect")) {
            TestAudio.feed(speaker, aac, 0);
            speaker.discontinuity();
            long restart = MediaPacket.TIMESCALE; // the new session lands 1 s later
            TestAudio.feed(speaker, aac, restart);
            float[] pcm = new float[RATE * 2 * 2];
            int real = speaker.read(0, pcm, 0, 2 * RATE);

            assertThat(real).isEqualTo(2 * aac.frames().size() * 1024);
            assertThat(TestAudio.peak(pcm, 16000, 47000)).isZero();
            assertThat(amplitude(pcm, 0, RATE + 2048, RATE + 12000, 440)).isCloseTo(0.5, within(0.03));
            assertThat(speaker.resyncs()).isZero();
        }
    }

    @Test
    void closeIsIdempotentAndLaterPacketsAreIgnored() {
        TestAudio.Aac aac = TestAudio.encode(TestAudio.tone(440, 0.5, 0.1, RATE, 2), RATE, 2);
        SpeakerAudio speaker = new SpeakerAudio("gone");
        speaker.onPacket(aac.packet(0), 0);
        speaker.close();
        speaker.close();
        speaker.onPacket(aac.packet(1), aac.pts(1, 0));
        assertThat(speaker.decodedFrames()).isEqualTo(1);
        assertThat(speaker.errors()).isZero();
    }

    @Test
    void newConfigRecreatesTheDecoder() {
        TestAudio.Aac stereo48 = TestAudio.encode(TestAudio.tone(440, 0.5, 0.5, RATE, 2), RATE, 2);
        TestAudio.Aac mono44 = TestAudio.encode(TestAudio.tone(1000, 0.5, 0.5, 44_100, 1), 44_100, 1);
        try (SpeakerAudio speaker = new SpeakerAudio("switcher")) {
            TestAudio.feed(speaker, stereo48, 0);
            TestAudio.feed(speaker, mono44, MediaPacket.TIMESCALE); // new session 1 s later
            float[] pcm = new float[RATE * 2 * 2];
            speaker.read(0, pcm, 0, 2 * RATE);

            assertThat(speaker.errors()).isZero();
            assertThat(amplitude(pcm, 1, 4800, 20000, 440)).isCloseTo(0.5, within(0.03));
            assertThat(amplitude(pcm, 1, RATE + 4800, RATE + 20000, 1000)).isCloseTo(0.5, within(0.03));
            assertThat(amplitude(pcm, 1, RATE + 4800, RATE + 20000, 440)).isLessThan(0.01);
        }
    }

    @Test
    void concurrentDecodeAndReadLoseNothingUncounted() throws Exception {
        TestAudio.Aac aac = TestAudio.encode(TestAudio.tone(440, 0.5, 2.0, RATE, 2), RATE, 2);
        try (SpeakerAudio speaker = new SpeakerAudio("busy")) {
            Thread decoder = new Thread(() -> TestAudio.feed(speaker, aac, 0), "test-decode");
            decoder.start();
            long real = 0;
            float[] chunk = new float[960 * 2];
            for (long pos = 0; pos < 3L * RATE; pos += 960) {
                if (pos >= RATE && decoder.isAlive()) {
                    decoder.join(); // read the second half only once everything was written
                }
                real += speaker.read(pos, chunk, 0, 960);
            }
            decoder.join();

            assertThat(speaker.decodedFrames()).isEqualTo(aac.frames().size());
            // every decoded sample was either read as audio or counted as arriving too late
            assertThat(real + speaker.lateFrames()).isEqualTo(aac.frames().size() * 1024L);
            assertThat(real).isGreaterThanOrEqualTo(RATE);
        }
    }

    @Test
    void closeFreesTheNativeDecoderAndResampler() throws Exception {
        TestAudio.Aac aac = TestAudio.encode(TestAudio.tone(1000, 0.5, 0.1, 44_100, 1), 44_100, 1);
        Runnable cycle = () -> {
            try (SpeakerAudio speaker = new SpeakerAudio("cycle", 100)) {
                for (int i = 0; i < 3; i++) {
                    speaker.onPacket(aac.packet(i), aac.pts(i, 0));
                }
            }
        };
        for (int i = 0; i < 100; i++) {
            cycle.run();
        }
        long before = TestAudio.residentBytes();
        for (int i = 0; i < 1000; i++) {
            cycle.run();
        }
        long grown = TestAudio.residentBytes() - before;

        // a decoder or resampler left behind per speaker would cost well over 100 MB here
        assertThat(grown).as("resident memory growth over 1000 speakers").isLessThan(40L << 20);
    }
}
