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
}
