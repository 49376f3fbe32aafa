package dev.amphi.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import dev.amphi.transcode.encode.AacEncoder;
import dev.amphi.transcode.encode.EncoderSettings;
import dev.amphi.transcode.encode.H264Encoder;
import dev.amphi.transcode.encode.LadderEncoder;
import dev.amphi.transcode.encode.Rung;
import dev.amphi.transcode.frame.Picture;
import dev.amphi.transcode.video.SpeakerVideo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The overload policy, driven deterministically: an offline program whose ladder is made to look
 * behind. Tiles shed video (counted), the program keeps its frame rate and its audio, and the
 * tiles return to full rate once the load is gone.
 */
class RoomProgramOverloadTest {

    private static final int FPS = 30;
    private static final long JITTER = 200L * 90;

    /** A speaker's stream: 320x180 video (all pictures referenced, keyframe every 30) and a 440 Hz tone, sorted by dts. */
    static List<MediaPacket> speakerStream(int seconds) {
        List<MediaPacket> packets = new ArrayList<>();
        try (H264Encoder enc = new H264Encoder(320, 180, 300_000, EncoderSettings.x264("ultrafast", FPS, FPS));
             AacEncoder aac = new AacEncoder(96_000);
             Picture pic = Picture.allocate(320, 180)) {
            for (int i = 0; i < seconds * FPS; i++) {
                pic.fill(60 + (i % 100), 110, 150);
                pic.fillRect((i * 4) % 300, 160, 16, 16, 235, 128, 128);
                packets.addAll(enc.encode(pic, (long) i * 3000, i % FPS == 0));
            }
            packets.addAll(enc.flush());
            float[] pcm = new float[1024 * 2];
            for (long s = 0; s < seconds * 48_000L; s += 1024) {
                for (int k = 0; k < 1024; k++) {
                    float x = (float) (0.3 * Math.sin(2 * Math.PI * 440 * (s + k) / 48_000.0));
                    pcm[2 * k] = x;
                    pcm[2 * k + 1] = x;
                }
                packets.addAll(aac.encode(pcm, 0, 1024, s));
            }
        }
        packets.sort(Comparator.comparingLong(MediaPacket::dts));
        return packets;
    }

    @Test
    void anOverloadedProgramShedsTileFramesKeepsItsFrameRateAndAudioAndRecovers() throws Exception {
        List<MediaPacket> stream = speakerStream(22);
        List<MediaPacket> video = new ArrayList<>();
        List<MediaPacket> audio = new ArrayList<>();
        ProgramOutput out = new ProgramOutput() {
            @Override
            public MediaSink video(int index) {
                return p -> {
                    synchronized (video) {
                        video.add(p);
                    }
                };
            }

            @Override
            public MediaSink audio() {
                return audio::add; // program thread
            }
        };
        ExecutorService pool = Executors.newSingleThreadExecutor();
        int[] centre = new int[2]; // chroma at the canvas's centre (the tile's), as the last frame had it
        AtomicInteger backlog = new AtomicInteger();
        OfflineClock clock = ProgramClock.offline().ladderBacklog(backlog::get).canvasTap(c -> {
            centre[0] = c.data(1).get((long) 45 * c.stride(1) + 80) & 0xff;
            centre[1] = c.data(2).get((long) 45 * c.stride(2) + 80) & 0xff;
        });
        RoomProgram program = RoomProgram.builder("overload")
                .canvas(320, 180)
                .fps(FPS)
                .ladder(List.of(new Rung("180p", 320, 180, 250_000)))
                .preset("ultrafast")
                .segmentDuration(Duration.ofSeconds(1))
                .output(out)
                .decodeExecutor(pool)
                .clock(clock)
                .build();
        try {
            program.join("a", "Ada");
            program.start();
            MediaSink decoder = clock.decoderOf("a");
            int[] next = {0};
            long[] frame = {0};
            Runnable tick = () -> {
                long due = (frame[0] + 1) * MediaPacket.TIMESCALE / FPS + JITTER;
                while (next[0] < stream.size() && stream.get(next[0]).dts() <= due) {
                    decoder.onPacket(stream.get(next[0]++));
                }
                try {
                    clock.tick();
                    frame[0]++;
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            };

            for (int i = 0; i < 90; i++) {
                tick.run();
            }
            ProgramStats calm = program.stats();
            assertThat(calm.shedLevel()).isZero();
            assertThat(calm.shedVideo()).isZero();
            assertThat(calm.decodedVideo()).isGreaterThan(80);

            backlog.set(LadderEncoder.DEPTH); // the ladder looks as far behind as it gets
            for (int i = 0; i < 3 * OverloadGovernor.RAISE_AFTER; i++) {
                tick.run();
            }
            assertThat(program.stats().shedLevel()).isEqualTo(SpeakerVideo.SHED_KEYFRAMES);
            ProgramStats before = program.stats();
            for (int i = 0; i < 60; i++) {
                tick.run();
            }
            ProgramStats overloaded = program.stats();
            // keyframes only: two GOPs, both keyframes shown, the other 58 pictures shed and counted
            assertThat(overloaded.decodedVideo() - before.decodedVideo()).isEqualTo(2);
            assertThat(overloaded.shedVideo() - before.shedVideo()).isEqualTo(58);
            assertThat(centre).as("the tile still shows the speaker (chroma 110,150), not a placeholder").containsExactly(110, 150);
            for (int i = 0; i < 45; i++) { // still keyframes only, up to 1.5 s after the last one
                tick.run();
                assertThat(centre).as("frame %d: the tile still shows the speaker", frame[0]).containsExactly(110, 150);
            }

            backlog.set(0);
            for (int i = 0; i < 3 * OverloadGovernor.CALM_AFTER; i++) {
                tick.run();
            }
            ProgramStats recovered = program.stats();
            assertThat(recovered.shedLevel()).isZero();
            for (int i = 0; i < 60; i++) {
                tick.run();
            }
            ProgramStats end = program.stats();
            // full rate again: every source picture of the last two seconds decoded, nothing shed
            assertThat(end.decodedVideo() - recovered.decodedVideo()).isBetween(58L, 61L);
            assertThat(end.shedVideo()).isEqualTo(recovered.shedVideo());

            long frames = frame[0];
            clock.finish();
            assertThat(end.frames()).isEqualTo(frames);
            assertThat(end.droppedAudio()).isZero();
            assertThat(end.ladderDrops()).isZero();
            // the program's frame rate and audio never stopped: one video frame per tick, AAC for all of it
            synchronized (video) {
                assertThat(video).hasSize((int) frames);
            }
            long samples = audio.stream().filter(p -> p.kind() == MediaKind.AUDIO).count() * 1024;
            assertThat(samples).isGreaterThanOrEqualTo(frames * 48_000 / FPS - 2048);
        } finally {
            program.close();
            pool.shutdownNow();
        }
    }
}
