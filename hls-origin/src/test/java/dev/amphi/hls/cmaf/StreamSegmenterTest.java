package dev.amphi.hls.cmaf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.hls.Boxes;
import dev.amphi.hls.Synthetic;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamSegmenterTest {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");
    private final List<Segment> segments = new ArrayList<>();
    private int sessionEnds;
    private final StreamSegmenter segmenter = new StreamSegmenter("t", 2 * 90_000L,
            Clock.fixed(T0, ZoneOffset.UTC), new SegmentListener() {
                @Override
                public void onSegment(Segment segment) {
                    segments.add(segment);
                }

                @Override
                public void onSessionEnd() {
                    sessionEnds++;
                }
            });

    private List<Segment> of(MediaKind kind) {
        return segments.stream().filter(s -> s.kind() == kind).toList();
    }

    private void feed(List<MediaPacket> packets) {
        packets.forEach(segmenter::onPacket);
    }

    @Test
    void cutsVideoAtTheFirstKeyframeAtOrAfterTheTarget() {
        feed(Synthetic.stream(10, 45, 0, true, false)); // keyframe every 1.5 s: cuts at 3, 6, 9 s
        segmenter.onEnd();
        List<Segment> video = of(MediaKind.VIDEO);
        assertThat(video).extracting(Segment::duration).containsExactly(270_000L, 270_000L, 270_000L, 90_000L);
        assertThat(video).extracting(Segment::baseTime).containsExactly(0L, 270_000L, 540_000L, 810_000L);
        for (Segment s : video) {
            assertThat(Boxes.tfdt(s.data())).isEqualTo(s.baseTime());
            Boxes.Trun trun = Boxes.trun(s.data());
            assertThat(trun.version()).isEqualTo(1);
            assertThat(trun.samples()).hasSize(s.sampleCount());
            assertThat(trun.samples()).allSatisfy(x -> assertThat(x.duration()).isEqualTo(Synthetic.FRAME));
            assertThat(trun.samples().get(0).flags()).isEqualTo(CmafWriter.SYNC_SAMPLE_FLAGS);
            // the keyframe 1.5 s in is a sync sample inside the segment, every other frame is not
            assertThat(trun.samples()).filteredOn(x -> x.flags() == CmafWriter.SYNC_SAMPLE_FLAGS)
                    .hasSize(s.sampleCount() == 90 ? 2 : 1);
            assertThat(trun.samples()).filteredOn(x -> x.flags() == CmafWriter.NON_SYNC_SAMPLE_FLAGS)
                    .hasSize(s.sampleCount() - (s.sampleCount() == 90 ? 2 : 1));
            assertThat(trun.samples()).extracting(Boxes.TrunSample::cto).contains(2 * Synthetic.FRAME);
        }
        assertThat(sessionEnds).isEqualTo(1);
    }

    @Test
    void keepsTfdtContinuousAcrossSegmentsAndMonotonicAcrossARestart() {
        feed(Synthetic.stream(5, 60, 1_000_000, true, true));
        segmenter.onEnd();
        int firstSession = segments.size();
        feed(Synthetic.stream(5, 60, 0, true, true)); // the publisher is back, its clock restarts
        segmenter.onEnd();
        for (MediaKind kind : MediaKind.values()) {
            List<Segment> track = of(kind);
            assertThat(track.get(0).baseTime()).isZero();
            for (int i = 1; i < track.size(); i++) {
                Segment prev = track.get(i - 1);
                Segment cur = track.get(i);
                long prevEnd = prev.baseTime() + prev.duration();
                if (cur.discontinuity()) {
                    assertThat(cur.baseTime()).isGreaterThanOrEqualTo(prevEnd);
                } else {
                    assertThat(cur.baseTime()).as(kind + " segment " + i).isEqualTo(prevEnd);
                }
            }
            assertThat(track).filteredOn(Segment::discontinuity).hasSize(1);
        }
        assertThat(segments.get(firstSession).discontinuity()).isTrue();
    }

    @Test
    void cutsAudioAtTheInstantsVideoIsCut() {
        feed(Synthetic.stream(10, 60, 0, true, true));
        segmenter.onEnd();
        List<Segment> video = of(MediaKind.VIDEO);
        List<Segment> audio = of(MediaKind.AUDIO);
        assertThat(audio).hasSameSizeAs(video);
        double frame = 1024.0 / 44100;
        for (int i = 0; i < video.size(); i++) {
            double videoStart = video.get(i).baseTime() / 90_000.0;
            double audioStart = audio.get(i).baseTime() / 44_100.0;
            assertThat(audioStart).isCloseTo(videoStart, org.assertj.core.data.Offset.offset(frame));
            assertThat(audio.get(i).timescale()).isEqualTo(44_100);
            assertThat(Boxes.trun(audio.get(i).data()).samples())
                    .allSatisfy(x -> assertThat(x.duration()).isEqualTo(1024));
        }
    }

    @Test
    void cutsAudioByItsOwnDurationWithoutVideo() {
        feed(Synthetic.stream(7, 60, 0, false, true));
        segmenter.onEnd();
        assertThat(of(MediaKind.VIDEO)).isEmpty();
        List<Segment> audio = of(MediaKind.AUDIO);
        assertThat(audio).hasSize(4);
        assertThat(audio.subList(0, 3)).allSatisfy(s -> assertThat(s.seconds()).isBetween(2.0, 2.0 + 1024.0 / 44100));
    }

    @Test
    void dropsVideoUntilTheFirstKeyframe() {
        List<MediaPacket> packets = Synthetic.stream(4, 60, 0, true, false);
        feed(packets.subList(10, packets.size()));
        segmenter.onEnd();
        assertThat(segmenter.droppedPackets()).isEqualTo(50);
        assertThat(of(MediaKind.VIDEO)).hasSize(1);
        assertThat(of(MediaKind.VIDEO).get(0).sampleCount()).isEqualTo(60);
    }

    @Test
    void reanchorsAudioAfterAGapInItsTimestamps() {
        List<MediaPacket> packets = Synthetic.stream(6, 60, 0, true, true).stream()
                .filter(p -> p.kind() == MediaKind.VIDEO || p.dts() < 270_000 || p.dts() >= 315_000) // 0.5 s lost
                .toList();
        feed(packets);
        segmenter.onEnd();
        List<Segment> audio = of(MediaKind.AUDIO);
        for (int i = 1; i < audio.size(); i++) {
            assertThat(audio.get(i).baseTime()).isEqualTo(audio.get(i - 1).baseTime() + audio.get(i - 1).duration());
        }
        MediaPacket lastAudio = packets.stream().filter(p -> p.kind() == MediaKind.AUDIO).reduce((a, b) -> b).get();
        Segment last = audio.get(audio.size() - 1);
        double end = (last.baseTime() + last.duration()) / 44_100.0;
        assertThat(end).isCloseTo(lastAudio.dts() / 90_000.0 + 1024.0 / 44_100,
                org.assertj.core.data.Offset.offset(1024.0 / 44_100));
        Boxes.Trun gap = Boxes.trun(audio.get(1).data());
        assertThat(gap.samples()).extracting(Boxes.TrunSample::duration).anySatisfy(d -> assertThat(d).isGreaterThan(1024L));
    }

    @Test
    void stampsSegmentsWithTheWallClockOfTheirFirstSample() {
        feed(Synthetic.stream(6, 60, 0, true, false));
        segmenter.onEnd();
        assertThat(of(MediaKind.VIDEO)).extracting(Segment::programDateTime)
                .containsExactly(T0, T0.plus(Duration.ofSeconds(2)), T0.plus(Duration.ofSeconds(4)));
    }

    /** A segmenter with {@code tracks} video tracks whose segments land in {@link #segments}. */
    private StreamSegmenter ladder(int tracks) {
        return new StreamSegmenter("l", tracks, 2 * 90_000L, Clock.fixed(T0, ZoneOffset.UTC), new SegmentListener() {
            @Override
            public void onSegment(Segment segment) {
                segments.add(segment);
            }

            @Override
            public void onSessionEnd() {
                sessionEnds++;
            }
        });
    }

    private List<Long> starts(int track) {
        return of(MediaKind.VIDEO).stream().filter(s -> s.track() == track).map(Segment::baseTime).toList();
    }

    private static List<MediaPacket> video(double seconds, int gop, long start) {
        return Synthetic.stream(seconds, gop, start, true, false);
    }

    /** Feeds packets of several tracks in time order; {@code tracks[i]} goes to video track {@code index[i]}. */
    private static void interleave(StreamSegmenter s, List<MediaPacket> audio, List<List<MediaPacket>> tracks) {
        List<Object[]> all = new ArrayList<>();
        audio.forEach(p -> all.add(new Object[] {0, p}));
        for (int i = 0; i < tracks.size(); i++) {
            int track = i;
            tracks.get(i).forEach(p -> all.add(new Object[] {track, p}));
        }
        all.sort(java.util.Comparator.comparingLong(o -> ((MediaPacket) o[1]).dts()));
        all.forEach(o -> s.onPacket((Integer) o[0], (MediaPacket) o[1]));
    }

    @Test
    void cutsEveryVideoTrackAtTheSameTimesWithTheSameTfdt() {
        StreamSegmenter s = ladder(3);
        List<MediaPacket> late = video(9, 60, 90_000);
        interleave(s, Synthetic.stream(9, 60, 90_000, false, true),
                List.of(video(9, 60, 90_000), video(9, 60, 90_000), late.subList(1, late.size())));
        s.onEnd();
        assertThat(starts(0)).containsExactly(0L, 180_000L, 360_000L, 540_000L, 720_000L);
        assertThat(starts(1)).isEqualTo(starts(0));
        assertThat(starts(2)).as("missed its first keyframe, joins at the next").isEqualTo(starts(0).subList(1, 5));
        for (Segment v : of(MediaKind.VIDEO)) {
            assertThat(Boxes.tfdt(v.data())).isEqualTo(v.baseTime());
        }
        assertThat(sessionEnds).isEqualTo(1);
    }

    @Test
    void aTrackThatEndsAndResumesRejoinsTheOthersCutsAtItsNextKeyframe() {
        StreamSegmenter s = ladder(2);
        interleave(s, List.of(), List.of(video(6, 60, 0), video(6, 60, 0)));
        s.onTrackEnd(MediaKind.VIDEO, 1);
        assertThat(s.inSession()).isTrue();
        List<MediaPacket> restarted = video(5, 30, 630_000); // a new encoder: IDR at 7 s, then on the 1 s grid
        interleave(s, List.of(), List.of(video(6, 60, 540_000), restarted));
        s.onEnd();
        assertThat(starts(0)).containsExactly(0L, 180_000L, 360_000L, 540_000L, 720_000L, 900_000L);
        assertThat(starts(1)).containsExactly(0L, 180_000L, 360_000L, 630_000L, 720_000L, 900_000L);
        assertThat(of(MediaKind.VIDEO).stream().filter(v -> v.track() == 1 && v.discontinuity()))
                .extracting(Segment::baseTime).containsExactly(630_000L);
    }

    @Test
    void audioFollowsTheNextVideoTrackWhenTheFirstEndsAndItsOwnDurationWhenAllEnded() {
        StreamSegmenter s = ladder(2);
        interleave(s, Synthetic.stream(5, 60, 0, false, true), List.of(video(5, 60, 0), video(5, 60, 0)));
        s.onTrackEnd(MediaKind.VIDEO, 0);
        interleave(s, Synthetic.stream(6, 60, 450_000, false, true), List.of(List.of(), video(6, 60, 450_000)));
        s.onTrackEnd(MediaKind.VIDEO, 1);
        interleave(s, Synthetic.stream(5, 60, 990_000, false, true), List.of());
        assertThat(s.inSession()).as("audio goes on").isTrue();
        s.onTrackEnd(MediaKind.AUDIO, 0);
        assertThat(s.inSession()).isFalse();
        assertThat(sessionEnds).isEqualTo(1);

        double frame = 1024.0 / 44_100;
        List<Segment> audio = of(MediaKind.AUDIO);
        for (Segment a : audio) {
            assertThat(a.seconds()).as("audio segment at " + a.baseTime()).isLessThanOrEqualTo(2.0 + frame + 1e-9);
        }
        for (long videoStart : starts(1)) {
            assertThat(audio).as("an audio segment starts with video segment " + videoStart)
                    .anySatisfy(a -> assertThat(a.baseTime() / 44_100.0)
                            .isCloseTo(videoStart / 90_000.0, org.assertj.core.data.Offset.offset(frame)));
        }
        Segment last = audio.get(audio.size() - 1);
        assertThat((last.baseTime() + last.duration()) / 44_100.0).isCloseTo(16.0,
                org.assertj.core.data.Offset.offset(2 * frame));
    }
}
