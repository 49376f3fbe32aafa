package dev.amphi.hls.cmaf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.hls.Boxes;
import dev.amphi.hls.Synthetic;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class CmafWriterTest {

    @Test
    void videoInitSegmentDescribesTheTrackFromTheSps() {
        byte[] init = CmafWriter.initSegment(Synthetic.AVC);
        assertThat(Boxes.topLevel(init)).containsExactly("ftyp", "moov");
        assertThat(Boxes.find(init, "moov/mvex/trex")).isNotNull();
        ByteBuffer mdhd = Boxes.find(init, "moov/trak/mdia/mdhd");
        assertThat(mdhd.getInt(12)).as("timescale").isEqualTo(90_000);
        ByteBuffer hdlr = Boxes.find(init, "moov/trak/mdia/hdlr");
        assertThat(hdlr.getInt(8)).isEqualTo(0x76696465); // 'vide'
        ByteBuffer avc1 = Boxes.find(init, "moov/trak/mdia/minf/stbl/stsd/avc1");
        assertThat(avc1.getShort(24)).isEqualTo((short) 320);
        assertThat(avc1.getShort(26)).isEqualTo((short) 240);
        ByteBuffer avcC = Boxes.find(init, "moov/trak/mdia/minf/stbl/stsd/avc1/avcC");
        byte[] record = new byte[avcC.remaining()];
        avcC.get(record);
        assertThat(record).isEqualTo(Synthetic.AVC.record());
        ByteBuffer tkhd = Boxes.find(init, "moov/trak/tkhd");
        assertThat(tkhd.getInt(0) & 0xffffff).as("tkhd flags").isEqualTo(3);
        assertThat(tkhd.getInt(76)).isEqualTo(320 << 16);
        assertThat(tkhd.getInt(80)).isEqualTo(240 << 16);
    }

    @Test
    void audioInitSegmentUsesTheSampleRateAsTimescale() {
        byte[] init = CmafWriter.initSegment(Synthetic.AAC);
        assertThat(Boxes.find(init, "moov/trak/mdia/mdhd").getInt(12)).isEqualTo(44_100);
        assertThat(Boxes.find(init, "moov/trak/mdia/minf/smhd")).isNotNull();
        assertThat(Boxes.find(init, "moov/trak/mdia/minf/stbl/stsd/mp4a/esds")).isNotNull();
        assertThat(Boxes.find(init, "moov/trak/mdia/minf/stbl/stsd/mp4a").getShort(16)).as("channels").isEqualTo((short) 2);
    }

    @Test
    void mediaSegmentKeepsSignedCompositionOffsetsAndPointsAtItsData() {
        List<Sample> samples = List.of(new Sample(3000, 6000, true, new byte[] {1, 2, 3}),
                new Sample(3000, -3000, false, new byte[] {4, 5}), new Sample(3001, 0, false, new byte[] {6}));
        byte[] seg = CmafWriter.mediaSegment(7, 5_000_000_000L, samples, true);
        assertThat(Boxes.topLevel(seg)).containsExactly("styp", "moof", "mdat");
        assertThat(Boxes.tfdt(seg)).isEqualTo(5_000_000_000L);
        assertThat(Boxes.find(seg, "moof/mfhd").getInt(4)).isEqualTo(7);
        Boxes.Trun trun = Boxes.trun(seg);
        assertThat(trun.samples()).extracting(Boxes.TrunSample::cto).containsExactly(6000, -3000, 0);
        assertThat(trun.samples()).extracting(Boxes.TrunSample::duration).containsExactly(3000L, 3000L, 3001L);
        assertThat(trun.samples()).extracting(Boxes.TrunSample::size).containsExactly(3L, 2L, 1L);
        int moofStart = ByteBuffer.wrap(seg).getInt(0); // after styp
        assertThat(seg[moofStart + trun.dataOffset()]).isEqualTo((byte) 1);
        assertThat(seg[seg.length - 1]).isEqualTo((byte) 6);
        ByteBuffer tfhd = Boxes.find(seg, "moof/traf/tfhd");
        assertThat(tfhd.getInt(0) & 0x020000).as("default-base-is-moof").isNotZero();
    }

    @Test
    void refusesAnEmptySegment() {
        assertThatThrownBy(() -> CmafWriter.mediaSegment(1, 0, List.of(), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one sample");
    }

    @Test
    void readsTheDisplaySizeFromTheSps() {
        assertThat(VideoSize.of(Synthetic.AVC)).isEqualTo(new VideoSize(320, 240));
    }
}
