package dev.amphi.transcode.audio;

import static dev.amphi.transcode.audio.TestAudio.amplitude;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.within;

import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.testing.WebRtcStreams;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A WebRTC speaker's audio: Opus packets decode into the program ring like AAC does, and packets
 * whose audio level says silence are not decoded but still metered.
 */
class SpeakerAudioOpusTest {

    private static final int RATE = AudioFormat.SAMPLE_RATE;

    private static void feed(SpeakerAudio speaker, List<MediaPacket> packets) {
        for (MediaPacket p : packets) {
            speaker.onPacket(p, p.pts());
        }
    }

    @Test
    void decodesAStereoOpusToneAtItsPitchAndLevel() {
        List<MediaPacket> opus = WebRtcStreams.opus(440, 50, 2, i -> 0.5);
        try (SpeakerAudio speaker = new SpeakerAudio("webrtc")) {
            feed(speaker, opus);
            float[] pcm = new float[RATE * 2];
            int real = speaker.read(0, pcm, 0, RATE);

            assertThat(speaker.errors()).isZero();
            assertThat(speaker.decodedFrames()).isEqualTo(opus.size());
            assertThat(real).isGreaterThan(RATE * 9 / 10);
            for (int ch = 0; ch < 2; ch++) {
                assertThat(amplitude(pcm, ch, 4800, 43200, 440)).isCloseTo(0.5, within(0.05));
                assertThat(amplitude(pcm, ch, 4800, 43200, 550)).isLessThan(0.02);
            }
        }
    }

    @Test
    void monoOpusIsHeardOnBothChannelsAtFullLevel() {
        try (SpeakerAudio speaker = new SpeakerAudio("mono")) {
            feed(speaker, WebRtcStreams.opus(1000, 50, 1, i -> 0.5));
            float[] pcm = new float[RATE * 2];
            speaker.read(0, pcm, 0, RATE);

            assertThat(amplitude(pcm, 0, 4800, 43200, 1000)).isCloseTo(0.5, within(0.05));
            assertThat(amplitude(pcm, 1, 4800, 43200, 1000)).isCloseTo(0.5, within(0.05));
        }
    }

    @Test
    void packetsWhoseLevelSaysSilenceAreNotDecodedButMeteredAndSoundResumesInPlace() {
        // 1 s: 0.4 s tone, 0.4 s the sender calls -90 dBov, 0.2 s tone again (all encoded as tone)
        List<MediaPacket> opus = WebRtcStreams.opus(440, 50, 2, i -> 0.5);
        try (SpeakerAudio speaker = new SpeakerAudio("hinted")) {
            for (int i = 0; i < opus.size(); i++) {
                MediaPacket p = opus.get(i).withAudioLevel(i >= 20 && i < 40 ? 90 : 9);
                speaker.onPacket(p, p.pts());
            }
            assertThat(speaker.silentSkips()).as("20 quiet packets, the first few decoded as a hangover")
                    .isEqualTo(20 - SpeakerAudio.HANGOVER_PACKETS);
            assertThat(speaker.decodedFrames()).isEqualTo(opus.size() - speaker.silentSkips());
            assertThat(speaker.resyncs()).as("skipped packets keep their place in the stream").isZero();

            long quietFrom = (20L + SpeakerAudio.HANGOVER_PACKETS) * 960;
            long quietTo = 40L * 960;
            float[] pcm = new float[RATE * 2];
            speaker.read(0, pcm, 0, (int) quietFrom);
            assertThat(amplitude(pcm, 0, 4800, (int) quietFrom, 440)).as("the tone before").isCloseTo(0.5, within(0.05));

            double claimed = speaker.hintedPower(quietFrom, (int) (quietTo - quietFrom));
            assertThat(10 * Math.log10(claimed)).as("the skipped packets' level, dB").isCloseTo(-90, within(0.5));
            int real = speaker.read(quietFrom, pcm, 0, (int) (quietTo - quietFrom));
            assertThat(real).as("nothing decoded for the skipped packets").isZero();

            int rest = (int) (50L * 960 - quietTo);
            speaker.read(quietTo, pcm, 0, rest);
            assertThat(amplitude(pcm, 0, 960, rest, 440)).as("the tone after, at its place").isCloseTo(0.5, within(0.05));
            assertThat(speaker.hintedPower(quietTo, rest)).as("no claim where sound was decoded").isZero();
        }
    }

    @Test
    void packetsWithoutALevelOrWithALoudOneAreAlwaysDecoded() {
        List<MediaPacket> opus = WebRtcStreams.opus(440, 20, 2, i -> 0.0);
        try (SpeakerAudio speaker = new SpeakerAudio("unhinted")) {
            feed(speaker, opus); // digital silence, but nobody said so
            assertThat(speaker.silentSkips()).isZero();
            assertThat(speaker.decodedFrames()).isEqualTo(opus.size());
        }
        try (SpeakerAudio speaker = new SpeakerAudio("everything", SpeakerAudio.DEFAULT_RING_MILLIS, 128)) {
            for (MediaPacket p : opus) {
                speaker.onPacket(p.withAudioLevel(MediaPacket.SILENT_AUDIO_LEVEL), p.pts());
            }
            assertThat(speaker.silentSkips()).as("silentLevel 128: nothing counts as silence").isZero();
        }
    }

    @Test
    void theMixersMeterReadsASkippedSpeakerAtItsClaimedLevel() {
        List<MediaPacket> opus = WebRtcStreams.opus(440, 50, 2, i -> 0.5);
        List<MediaPacket> hush = WebRtcStreams.opus(440, 50, 2, i -> 0.0);
        AudioMixer mixer = new AudioMixer(3);
        try (SpeakerAudio loud = new SpeakerAudio("loud"); SpeakerAudio quiet = new SpeakerAudio("quiet");
             SpeakerAudio muted = new SpeakerAudio("muted")) {
            for (MediaPacket p : opus) {
                loud.onPacket(p.withAudioLevel(6), p.pts());
            }
            for (MediaPacket p : hush) {
                quiet.onPacket(p.withAudioLevel(80), p.pts());
                muted.onPacket(p.withAudioLevel(MediaPacket.SILENT_AUDIO_LEVEL), p.pts());
            }
            float[] out = new float[960 * 2];
            for (int chunk = 0; chunk < 40; chunk++) {
                mixer.mix(List.of(loud, quiet, muted), chunk * 960L, 960, out);
            }
            assertThat(mixer.levelsDbfs().get("loud")).isCloseTo(-9, within(1.5)); // a 0.5 sine
            assertThat(mixer.levelsDbfs().get("quiet")).isCloseTo(-80, within(1.0));
            assertThat(mixer.levelsDbfs().get("muted")).isEqualTo(AudioMixer.SILENCE_DBFS);
            assertThat(quiet.silentSkips()).isEqualTo(hush.size() - SpeakerAudio.HANGOVER_PACKETS);
            assertThat(amplitude(out, 0, 0, 960, 440)).as("the mix is the loud speaker's tone").isCloseTo(0.5, within(0.05));
        }
    }

    @Test
    void aSpeakerSwitchingFromAacToOpusIsHeardBeforeAndAfterInPlace() {
        TestAudio.Aac aac = TestAudio.encode(TestAudio.tone(440, 0.5, 0.5, RATE, 2), RATE, 2);
        List<MediaPacket> opus = WebRtcStreams.opus(1000, 25, 1, i -> 0.5);
        long switchPts = MediaPacket.TIMESCALE / 2;
        try (SpeakerAudio speaker = new SpeakerAudio("switch")) {
            TestAudio.feed(speaker, aac, 0);
            for (MediaPacket p : opus) {
                speaker.onPacket(p, switchPts + p.pts());
            }
            float[] pcm = new float[RATE * 2];
            speaker.read(0, pcm, 0, RATE);

            assertThat(speaker.errors()).isZero();
            assertThat(amplitude(pcm, 0, 2400, 21600, 440)).as("AAC's tone first").isCloseTo(0.5, within(0.05));
            assertThat(amplitude(pcm, 0, 26400, 45600, 1000)).as("then Opus's").isCloseTo(0.5, within(0.05));
            assertThat(amplitude(pcm, 0, 26400, 45600, 440)).as("and nothing of the first").isLessThan(0.02);
        }
    }

    @Test
    void aLostOpusPacketLeavesItsOwnPlaceSilentAndWhatFollowsInPlace() {
        List<MediaPacket> opus = WebRtcStreams.opus(440, 50, 2, i -> 0.5);
        try (SpeakerAudio speaker = new SpeakerAudio("lossy")) {
            for (int i = 0; i < opus.size(); i++) {
                if (i != 20) { // lost on the way
                    speaker.onPacket(opus.get(i), opus.get(i).pts());
                }
            }
            float[] pcm = new float[RATE * 2];
            assertThat(speaker.read(0, pcm, 0, 20 * 960)).isEqualTo(20 * 960);
            assertThat(speaker.read(20 * 960, pcm, 0, 960)).as("packet 20's 20 ms").isZero();
            assertThat(speaker.read(21 * 960, pcm, 0, 960)).as("packet 21 at its own place").isEqualTo(960);
            assertThat(speaker.resyncs()).isEqualTo(1);
        }
    }

    @Test
    void malformedOpusPacketsAreCountedAndSkippedAndTheToneGoesOn() {
        List<MediaPacket> opus = WebRtcStreams.opus(440, 50, 2, i -> 0.5);
        byte[][] bad = {
            {},                      // empty
            {0x03, 0x00},            // code 3 with no frames
            {0x02, (byte) 0xff},     // code 2 whose first frame runs past the end
            {0x01, 0x10, 0x20, 0x30}, // code 1 (two equal frames) over an odd number of bytes
        };
        try (SpeakerAudio speaker = new SpeakerAudio("broken")) {
            for (int i = 0; i < opus.size(); i++) {
                MediaPacket p = opus.get(i);
                if (i >= 10 && i < 10 + bad.length) {
                    p = new MediaPacket(MediaKind.AUDIO, p.config(), p.dts(), 0, true, bad[i - 10]);
                }
                MediaPacket packet = p;
                assertThatCode(() -> speaker.onPacket(packet, packet.pts())).doesNotThrowAnyException();
            }
            float[] pcm = new float[RATE * 2];
            speaker.read(0, pcm, 0, RATE);

            assertThat(speaker.errors()).isEqualTo(bad.length);
            assertThat(speaker.decodedFrames()).isEqualTo(opus.size() - bad.length);
            assertThat(amplitude(pcm, 0, 24000, 45000, 440)).isCloseTo(0.5, within(0.05));
        }
    }
}
