package dev.amphi.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import dev.amphi.transcode.audio.AudioMixer;
import dev.amphi.transcode.audio.SpeakerAudio;
import dev.amphi.transcode.encode.EncoderSettings;
import dev.amphi.transcode.encode.H264Encoder;
import dev.amphi.transcode.encode.Rung;
import dev.amphi.transcode.frame.Picture;
import dev.amphi.transcode.frame.Rect;
import dev.amphi.transcode.layout.Layout;
import dev.amphi.transcode.layout.LayoutEngine;
import dev.amphi.transcode.layout.TilePlacement;
import dev.amphi.transcode.testing.Goertzel;
import dev.amphi.transcode.testing.WebRtcStreams;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Speakers as WebRTC sends them (VP8 frames, Opus packets with the sender's audio level) in a real
 * room program on an offline clock, its canvas and its mixed audio read back: what viewers would
 * see and hear.
 */
class WebRtcSpeakersTest {

    private static final int W = 640;
    private static final int H = 360;
    private static final int FPS = 30;
    private static final int SECONDS = 4;
    private static final long JITTER = 200L * 90;
    // BT.601 limited range
    private static final int[] RED = {81, 90, 240};
    private static final int[] GREEN = {145, 54, 34};
    private static final int[] BLUE = {41, 240, 110};
    private static final int[] YELLOW = {210, 16, 146};

    @Test
    void vp8AndOpusSpeakersAreSeenAndHeardSilentOnesAreNotDecodedAndASwitchFromH264ToVp8Works() throws Exception {
        int frames = SECONDS * FPS;
        int packets = SECONDS * 50;
        Map<String, List<MediaPacket>> feeds = new HashMap<>();

        // ana: red VP8, a loud 440 Hz Opus tone; one corrupt frame and four corrupt Opus packets
        List<MediaPacket> ana = new ArrayList<>(WebRtcStreams.vp8(320, 180, frames, FPS, i -> RED));
        MediaPacket f45 = ana.get(45);
        ana.set(45, new MediaPacket(MediaKind.VIDEO, f45.config(), f45.dts(), 0, false,
                new byte[] {(byte) 0xf1, (byte) 0xff, (byte) 0xff, 1, 2, 3}));
        List<MediaPacket> anaAudio = WebRtcStreams.opus(440, packets, 2, i -> 0.5);
        for (int i = 0; i < anaAudio.size(); i++) {
            MediaPacket p = anaAudio.get(i);
            byte[] data = i >= 30 && i < 34 ? new byte[] {0x03, 0x00} : p.data();
            ana.add(new MediaPacket(MediaKind.AUDIO, p.config(), p.dts(), 0, true, data).withAudioLevel(9));
        }
        feeds.put("ana", ana);

        // bo: blue VP8, a muted microphone: Opus silence whose level says so
        List<MediaPacket> bo = new ArrayList<>(WebRtcStreams.vp8(320, 180, frames, FPS, i -> BLUE));
        List<MediaPacket> boAudio = WebRtcStreams.opus(440, packets, 1, i -> 0.0);
        boAudio.forEach(p -> bo.add(p.withAudioLevel(MediaPacket.SILENT_AUDIO_LEVEL)));
        feeds.put("bo", bo);

        // cy: yellow H.264 for 2 s, then the browser renegotiates to VP8 (green); a quieter 1000 Hz tone
        List<MediaPacket> cy = new ArrayList<>();
        try (H264Encoder enc = new H264Encoder(320, 180, 300_000, EncoderSettings.x264("ultrafast", FPS, FPS));
             Picture pic = Picture.allocate(320, 180)) {
            for (int i = 0; i < frames / 2; i++) {
                pic.fill(YELLOW[0], YELLOW[1], YELLOW[2]);
                cy.addAll(enc.encode(pic, (long) i * 3000, i % FPS == 0));
            }
            cy.addAll(enc.flush());
        }
        long half = (long) frames / 2 * 3000;
        for (MediaPacket p : WebRtcStreams.vp8(320, 180, frames / 2, FPS, i -> GREEN)) {
            cy.add(new MediaPacket(MediaKind.VIDEO, p.config(), p.dts() + half, 0, p.keyframe(), p.data()));
        }
        WebRtcStreams.opus(1000, packets, 2, i -> 0.2).forEach(p -> cy.add(p.withAudioLevel(17)));
        feeds.put("cy", cy);
        feeds.values().forEach(l -> l.sort(Comparator.comparingLong(MediaPacket::dts)));

        List<MediaPacket> audioOut = new CopyOnWriteArrayList<>();
        ProgramOutput out = new ProgramOutput() {
            @Override
            public MediaSink video(int index) {
                return p -> { };
            }

            @Override
            public MediaSink audio() {
                return audioOut::add;
            }
        };
        List<String> ids = List.of("ana", "bo", "cy");
        List<TilePlacement> tiles = LayoutEngine.place(new Layout.Gallery(1), ids, null, List.of(), W, H);
        Map<Long, Map<String, int[]>> chroma = new HashMap<>();
        long[] frame = {0};
        ExecutorService pool = Executors.newSingleThreadExecutor();
        OfflineClock clock = ProgramClock.offline().labels(false).canvasTap(c -> {
            if (frame[0] == 55 || frame[0] == frames - 1) {
                Map<String, int[]> at = new HashMap<>();
                for (TilePlacement t : tiles) {
                    Rect r = t.rect();
                    int x = (r.x() + r.width() / 2) / 2;
                    int y = (r.y() + r.height() / 3) / 2;
                    at.put(t.speakerId(), new int[] {c.data(1).get((long) y * c.stride(1) + x) & 0xff,
                        c.data(2).get((long) y * c.stride(2) + x) & 0xff});
                }
                chroma.put(frame[0], at);
            }
        });
        RoomProgram program = RoomProgram.builder("webrtc")
                .canvas(W, H).fps(FPS)
                .ladder(List.of(new Rung("360p", W, H, 500_000)))
                .preset("ultrafast")
                .layout(new Layout.Gallery(1))
                .output(out)
                .decodeExecutor(pool)
                .clock(clock)
                .build();
        try {
            ids.forEach(id -> program.join(id, id));
            program.start();
            Map<String, Integer> next = new HashMap<>();
            for (; frame[0] < frames; frame[0]++) {
                long due = (frame[0] + 1) * MediaPacket.TIMESCALE / FPS + JITTER;
                for (String id : ids) {
                    List<MediaPacket> feed = feeds.get(id);
                    int n = next.getOrDefault(id, 0);
                    MediaSink decoder = clock.decoderOf(id);
                    while (n < feed.size() && feed.get(n).dts() <= due) {
                        decoder.onPacket(feed.get(n++));
                    }
                    next.put(id, n);
                }
                clock.tick();
            }

            assertThat(tiles).hasSize(3);
            assertChroma(chroma.get(55L).get("cy"), YELLOW, "cy's tile at 1.8 s (H.264)");
            assertChroma(chroma.get((long) frames - 1).get("cy"), GREEN, "cy's tile at the end (VP8 after H.264)");
            assertChroma(chroma.get((long) frames - 1).get("ana"), RED, "ana's tile at the end (VP8, after a corrupt frame)");
            assertChroma(chroma.get((long) frames - 1).get("bo"), BLUE, "bo's tile at the end (VP8)");

            ProgramStats stats = program.stats();
            assertThat(stats.decodeErrors()).as("ana's corrupt VP8 frame and Opus packets").isEqualTo(5);
            assertThat(stats.silentAudioSkips()).as("bo's packets after the hangover, none of the others'")
                    .isBetween(boAudio.size() - SpeakerAudio.HANGOVER_PACKETS - 15L,
                            (long) boAudio.size() - SpeakerAudio.HANGOVER_PACKETS);
            assertThat(stats.decodedAudio()).as("ana's and cy's Opus packets, bo's hangover")
                    .isGreaterThan(2L * (packets - 15));

            Map<String, Double> levels = program.levels();
            assertThat(levels.get("bo")).as("bo is metered as silent").isEqualTo(AudioMixer.SILENCE_DBFS);
            assertThat(levels.get("ana")).isGreaterThan(levels.get("cy")).isGreaterThan(-25.0);
            assertThat(program.activeSpeaker()).contains("ana");

            float[] mix = decodeAudio(audioOut, MediaPacket.TIMESCALE, 2 * 48_000);
            double a440 = Goertzel.amplitude(mix, 0, 1, mix.length, 440, 48_000);
            double a1000 = Goertzel.amplitude(mix, 0, 1, mix.length, 1000, 48_000);
            assertThat(a440).as("ana's 440 Hz in the mix").isGreaterThan(0.3);
            assertThat(a1000).as("cy's 1000 Hz in the mix").isGreaterThan(0.1);
            assertThat(Goertzel.amplitude(mix, 0, 1, mix.length, 700, 48_000)).as("no 700 Hz").isLessThan(a440 / 10);
        } finally {
            program.close();
            pool.shutdownNow();
        }
    }

    private static void assertChroma(int[] got, int[] yuv, String what) {
        assertThat(got).as(what).isNotNull();
        assertThat(Math.abs(got[0] - yuv[1]) + Math.abs(got[1] - yuv[2]))
                .as("%s: chroma %d,%d, expected near %d,%d", what, got[0], got[1], yuv[1], yuv[2])
                .isLessThan(30);
    }

    /** The program's AAC decoded, {@code frames} mono samples from program time {@code fromPts}. */
    private static float[] decodeAudio(List<MediaPacket> packets, long fromPts, int frames) {
        float[] stereo = new float[frames * 2];
        try (SpeakerAudio decoder = new SpeakerAudio("readback", 10_000)) {
            for (MediaPacket p : packets) {
                decoder.onPacket(p, p.pts());
            }
            decoder.read(fromPts * 48_000 / MediaPacket.TIMESCALE, stereo, 0, frames);
        }
        float[] mono = new float[frames];
        for (int i = 0; i < frames; i++) {
            mono[i] = (stereo[2 * i] + stereo[2 * i + 1]) / 2;
        }
        return mono;
    }
}
