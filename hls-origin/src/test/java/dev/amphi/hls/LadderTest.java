package dev.amphi.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.hls.http.ObjectResolver.Lookup;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A three-rung ladder fed with synthetic packets whose keyframes are aligned, the way the encoder
 * ladder sends them from one thread per rung: the master, the rungs' playlists and segments as a
 * player switching between them reads them.
 */
class LadderTest {

    private static final Instant T0 = Instant.parse("2026-03-04T05:06:07Z");
    private static final List<String> RUNGS = List.of("1080p", "720p", "360p");
    private static final int[][] SIZES = {{1920, 1080}, {1280, 720}, {640, 360}};
    private final LiveOrigin origin = (LiveOrigin) HlsOrigin.builder().windowSize(4)
            .clock(Clock.fixed(T0, ZoneOffset.UTC)).build();

    @AfterEach
    void close() {
        origin.close();
    }

    /** Rung {@code r}'s video: the synthetic stream with its own SPS and 4 - r times the payload. */
    private static List<MediaPacket> rung(int r, double seconds, long startDts) {
        AvcConfig config = Synthetic.avc(SIZES[r][0], SIZES[r][1]);
        int scale = SIZES.length + 1 - r;
        return Synthetic.withConfig(Synthetic.stream(seconds, 60, startDts, true, false), config).stream()
                .map(p -> new MediaPacket(p.kind(), p.config(), p.dts(), p.compositionOffset(), p.keyframe(),
                        Arrays.copyOf(p.data(), p.data().length * scale)))
                .toList();
    }

    private static List<MediaPacket> audio(double seconds, long startDts) {
        return Synthetic.stream(seconds, 60, startDts, false, true);
    }

    /**
     * Feeds the rungs and the audio in slices of 0.1 s, rung r lagging r slices behind rung 0 and the
     * audio one slice ahead, like parallel encoder threads.
     */
    private static void feed(HlsOrigin.Ladder ladder, List<List<MediaPacket>> video, List<MediaPacket> audio) {
        long slice = 9000;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (List<MediaPacket> list : video) {
            first = Math.min(first, list.get(0).dts());
            last = Math.max(last, list.get(list.size() - 1).dts());
        }
        int[] next = new int[video.size()];
        int nextAudio = 0;
        for (long t = first; t <= last + slice * (video.size() + 1); t += slice) {
            while (nextAudio < audio.size() && audio.get(nextAudio).dts() < t + slice) {
                ladder.audio().onPacket(audio.get(nextAudio++));
            }
            for (int r = 0; r < video.size(); r++) {
                List<MediaPacket> list = video.get(r);
                while (next[r] < list.size() && list.get(next[r]).dts() < t - r * slice) {
                    ladder.video(r).onPacket(list.get(next[r]++));
                }
            }
        }
    }

    private static List<List<MediaPacket>> rungs(double seconds, long startDts) {
        List<List<MediaPacket>> out = new ArrayList<>();
        for (int r = 0; r < RUNGS.size(); r++) {
            out.add(rung(r, seconds, startDts));
        }
        return out;
    }

    private String text(String stream, String path) {
        Lookup l = origin.lookup(stream, path);
        assertThat(l.object()).as(path + ": " + l.notFound()).isNotNull();
        return l.object().body().toString(StandardCharsets.UTF_8);
    }

    private byte[] bytes(String stream, String path) {
        Lookup l = origin.lookup(stream, path);
        assertThat(l.object()).as(path + ": " + l.notFound()).isNotNull();
        return l.object().body().getBytes();
    }

    private static List<String> lines(String playlist, String prefix) {
        return Arrays.stream(playlist.split("\n")).filter(l -> l.startsWith(prefix)).toList();
    }

    @Test
    void masterListsEveryRungInOrderWithResolutionCodecsAndTheAudioGroup() {
        HlsOrigin.Ladder ladder = origin.ladder("room", RUNGS);
        feed(ladder, rungs(7, 0), audio(7, 0));

        String master = text("room", "master.m3u8");
        assertThat(master).startsWith("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n"
                + "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",NAME=\"audio\",DEFAULT=YES,AUTOSELECT=YES,"
                + "CHANNELS=\"2\",URI=\"audio/index.m3u8\"\n#EXT-X-STREAM-INF:");
        Matcher m = Pattern.compile("#EXT-X-STREAM-INF:BANDWIDTH=(\\d+),AVERAGE-BANDWIDTH=(\\d+),"
                + "CODECS=\"avc1\\.64[0-9a-f]{4},mp4a\\.40\\.2\",RESOLUTION=(\\d+x\\d+),FRAME-RATE=30\\.000,"
                + "AUDIO=\"audio\"\n([^\n]+)\n").matcher(master);
        List<String> resolutions = new ArrayList<>();
        List<String> uris = new ArrayList<>();
        List<Long> bandwidths = new ArrayList<>();
        while (m.find()) {
            assertThat(Long.parseLong(m.group(1))).isGreaterThanOrEqualTo(Long.parseLong(m.group(2)));
            bandwidths.add(Long.parseLong(m.group(2)));
            resolutions.add(m.group(3));
            uris.add(m.group(4));
        }
        assertThat(resolutions).containsExactly("1920x1080", "1280x720", "640x360");
        assertThat(uris).containsExactly("1080p/index.m3u8", "720p/index.m3u8", "360p/index.m3u8");
        assertThat(bandwidths).as("bigger rungs, more bits").isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(master).as("the audio alone, last, for listeners on a weak connection")
                .matches("(?s).*\n#EXT-X-STREAM-INF:BANDWIDTH=\\d+,AVERAGE-BANDWIDTH=\\d+,CODECS=\"mp4a\\.40\\.2\"\naudio/index\\.m3u8\n");
        assertThat(origin.liveStreams()).containsExactly("room");
    }

    @Test
    void masterWaitsUntilEveryRenditionHasASegment() {
        HlsOrigin.Ladder ladder = origin.ladder("room", RUNGS);
        List<List<MediaPacket>> video = rungs(5, 0);
        feed(ladder, List.of(video.get(0)), audio(5, 0));
        assertThat(text("room", "1080p/index.m3u8")).contains("#EXTINF:2.000,");
        assertThat(origin.lookup("room", "master.m3u8").notFound()).isEqualTo("stream room is not live yet");
        assertThat(origin.lookup("room", "480p/index.m3u8").notFound()).startsWith("no rendition 480p in stream room");

        video.get(1).forEach(ladder.video(1)::onPacket);
        video.get(2).forEach(ladder.video(2)::onPacket);
        assertThat(lines(text("room", "master.m3u8"), "#EXT-X-STREAM-INF:")).as("three rungs and the audio-only variant").hasSize(4);
    }

    @Test
    void segmentKOfEveryRungStartsAtTheSameTimeWithTheSameSequenceNumberAndDate() {
        HlsOrigin.Ladder ladder = origin.ladder("room", RUNGS);
        feed(ladder, rungs(13, 450_000), audio(13, 450_000));

        List<String> reference = null;
        for (String r : RUNGS) {
            String playlist = text("room", r + "/index.m3u8");
            List<String> switchPoints = new ArrayList<>();
            switchPoints.addAll(lines(playlist, "#EXT-X-TARGETDURATION:"));
            switchPoints.addAll(lines(playlist, "#EXT-X-MEDIA-SEQUENCE:"));
            switchPoints.addAll(lines(playlist, "#EXT-X-PROGRAM-DATE-TIME:"));
            switchPoints.addAll(lines(playlist, "#EXTINF:"));
            List<String> segments = lines(playlist, "seg-");
            assertThat(segments).hasSize(4);
            for (String seg : segments) {
                long sequence = Long.parseLong(seg.substring(seg.lastIndexOf('-') + 1, seg.length() - 4));
                byte[] data = bytes("room", r + "/" + seg);
                switchPoints.add(sequence + " tfdt " + Boxes.tfdt(data));
                assertThat(Boxes.trun(data).samples().get(0).flags()).as("starts with a sync sample")
                        .isEqualTo(0x02000000);
            }
            if (reference == null) {
                reference = switchPoints;
                assertThat(reference).contains("#EXT-X-MEDIA-SEQUENCE:2", "#EXT-X-TARGETDURATION:2",
                        "2 tfdt 360000", "5 tfdt 900000", "#EXT-X-PROGRAM-DATE-TIME:2026-03-04T05:06:11.000Z");
            } else {
                assertThat(switchPoints).as(r).isEqualTo(reference);
            }
        }
        String audio = text("room", "audio/index.m3u8");
        assertThat(lines(audio, "#EXT-X-MEDIA-SEQUENCE:")).containsExactly("#EXT-X-MEDIA-SEQUENCE:2");
        assertThat(lines(audio, "#EXT-X-PROGRAM-DATE-TIME:")).hasSize(4);
    }

    @Test
    void aRungThatMissesTheFirstKeyframeJoinsInStepAtTheNextOne() {
        HlsOrigin.Ladder ladder = origin.ladder("room", RUNGS);
        List<List<MediaPacket>> video = new ArrayList<>(rungs(9, 0));
        video.set(2, video.get(2).subList(1, video.get(2).size())); // its first frame was lost
        feed(ladder, video, audio(9, 0));
        String top = text("room", "1080p/index.m3u8");
        String late = text("room", "360p/index.m3u8");
        assertThat(lines(late, "seg-")).hasSize(3);
        List<String> topSegments = lines(top, "seg-");
        assertThat(lines(late, "seg-")).containsExactlyElementsOf(topSegments.subList(1, topSegments.size()));
        assertThat(lines(late, "#EXT-X-PROGRAM-DATE-TIME:"))
                .containsExactlyElementsOf(lines(top, "#EXT-X-PROGRAM-DATE-TIME:").subList(1, topSegments.size()));
        assertThat(Boxes.tfdt(bytes("room", "360p/" + lines(late, "seg-").get(0)))).isEqualTo(180_000L);
    }

    @Test
    void endingOneRenditionEndsItsPlaylistAndResumingMarksADiscontinuity() {
        HlsOrigin.Ladder ladder = origin.ladder("room", RUNGS);
        feed(ladder, rungs(6, 0), audio(6, 0));
        ladder.video(1).onEnd(); // its encoder stops at a keyframe, the others go on
        assertThat(text("room", "720p/index.m3u8")).endsWith("#EXT-X-ENDLIST\n");
        assertThat(text("room", "1080p/index.m3u8")).doesNotContain("#EXT-X-ENDLIST");
        assertThat(origin.liveStreams()).containsExactly("room");

        feed(ladder, rungs(4, 540_000), audio(4, 540_000)); // and resumes on the common keyframe grid
        String resumed = text("room", "720p/index.m3u8");
        String top = text("room", "1080p/index.m3u8");
        assertThat(resumed).doesNotContain("#EXT-X-ENDLIST").contains("#EXT-X-DISCONTINUITY\n");
        assertThat(top).doesNotContain("#EXT-X-DISCONTINUITY\n");
        assertThat(lines(resumed, "seg-")).containsExactlyElementsOf(lines(top, "seg-"));
        assertThat(lines(resumed, "#EXT-X-PROGRAM-DATE-TIME:"))
                .containsExactlyElementsOf(lines(top, "#EXT-X-PROGRAM-DATE-TIME:"));

        for (int r = 0; r < RUNGS.size(); r++) {
            ladder.video(r).onEnd();
        }
        assertThat(origin.liveStreams()).as("audio still sends").containsExactly("room");
        ladder.audio().onEnd();
        assertThat(origin.liveStreams()).isEmpty();
        for (String r : List.of("1080p", "720p", "360p", "audio")) {
            assertThat(text("room", r + "/index.m3u8")).as(r).endsWith("#EXT-X-ENDLIST\n");
        }
        assertThat(lines(text("room", "master.m3u8"), "#EXT-X-STREAM-INF:")).as("three rungs and the audio-only variant").hasSize(4);
    }

    @Test
    void theSameRenditionsGiveTheSameLadderOthersReplaceTheStream() {
        HlsOrigin.Ladder ladder = origin.ladder("room", RUNGS);
        assertThat(origin.ladder("room", List.copyOf(RUNGS))).isSameAs(ladder);
        assertThat(ladder.videoRenditions()).isEqualTo(RUNGS);
        feed(ladder, rungs(5, 0), audio(5, 0));
        String oldSegment = lines(text("room", "720p/index.m3u8"), "seg-").get(0);

        HlsOrigin.Ladder two = origin.ladder("room", List.of("720p", "360p"));
        assertThat(two).isNotSameAs(ladder);
        assertThat(origin.lookup("room", "720p/" + oldSegment).object()).as("old epoch gone").isNull();
        assertThat(origin.lookup("room", "master.m3u8").object()).isNull();
        rung(0, 3, 0).forEach(ladder.video(0)::onPacket); // the old ladder's sinks drop what they get
        assertThat(origin.lookup("room", "1080p/index.m3u8").object()).isNull();
        feed(two, rungs(5, 0).subList(1, 3), audio(5, 0));
        String newSegment = lines(text("room", "720p/index.m3u8"), "seg-").get(0);
        assertThat(newSegment).isNotEqualTo(oldSegment);
        assertThat(lines(text("room", "master.m3u8"), "#EXT-X-STREAM-INF:")).as("two rungs and the audio").hasSize(3);

        MediaSink passthrough = origin.sink("room");
        assertThat(origin.sink("room")).isSameAs(passthrough);
        assertThat(origin.lookup("room", "720p/index.m3u8").object()).isNull();
        Synthetic.stream(5, 60, 0, true, true).forEach(passthrough::onPacket);
        assertThat(text("room", "master.m3u8")).contains("video/index.m3u8");
    }

    @Test
    void sinksTakeOnlyTheirKindAndNamesAreChecked() {
        HlsOrigin.Ladder ladder = origin.ladder("room", RUNGS);
        MediaPacket aac = audio(1, 0).get(0);
        assertThatThrownBy(() -> ladder.video(0).onPacket(aac)).hasMessageContaining("takes VIDEO packets");
        assertThatThrownBy(() -> ladder.audio().onPacket(rung(0, 1, 0).get(0)))
                .hasMessageContaining("takes AUDIO packets");
        assertThatThrownBy(() -> ladder.video(3)).hasMessageContaining("video rendition 3");
        assertThatThrownBy(() -> origin.ladder("room", List.of("720p", "audio"))).hasMessageContaining("'audio'");
        assertThatThrownBy(() -> origin.ladder("room", List.of("720P"))).hasMessageContaining("'720P'");
        assertThatThrownBy(() -> origin.ladder("room", List.of("720p", "720p"))).hasMessageContaining("twice");
        assertThatThrownBy(() -> origin.ladder("room", List.of())).hasMessageContaining("1 to 16");
        assertThatThrownBy(() -> origin.ladder("../x", RUNGS)).hasMessageContaining("'../x'");
    }
}
