package dev.amphi.ingest.rtmp.flv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.ingest.rtmp.testing.FlvBodies;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** Timestamps and sequence-header handling of one publish session. */
class FlvDemuxerTest {

    private final FlvDemuxer demuxer = new FlvDemuxer("test");

    private MediaPacket video(long ts, boolean key, int cto) {
        return demuxer.demux(9, ts, Unpooled.wrappedBuffer(FlvBodies.avcFrame(key, cto, FlvBodies.avcc(0x41, 8))));
    }

    private MediaPacket audio(long ts) {
        return demuxer.demux(8, ts, Unpooled.wrappedBuffer(FlvBodies.aacFrame(10)));
    }

    private void headers(long ts) {
        assertThat(demuxer.demux(9, ts, Unpooled.wrappedBuffer(FlvBodies.avcSequenceHeader()))).isNull();
        assertThat(demuxer.demux(8, ts, Unpooled.wrappedBuffer(FlvBodies.aacSequenceHeader()))).isNull();
    }

    @Test
    void dropsFramesBeforeTheirSequenceHeader() {
        assertThat(video(0, true, 0)).isNull();
        assertThat(audio(0)).isNull();
        assertThat(demuxer.droppedBeforeConfig()).isEqualTo(2);
        headers(0);
        assertThat(video(33, true, 0)).isNotNull();
    }

    @Test
    void aPublisherStartingAtALargeTimestampStartsNearZero() {
        headers(5_000_000);
        MediaPacket v = video(5_000_000, true, 66);
        MediaPacket a = audio(5_000_010);
        assertThat(v.dts()).isZero();
        assertThat(v.compositionOffset()).isEqualTo(66 * 90);
        assertThat(v.pts()).isEqualTo(66 * 90);
        assertThat(a.dts()).isEqualTo(900);
        assertThat(a.kind()).isEqualTo(MediaKind.AUDIO);
    }

    @Test
    void negativeCompositionOffsetsAreKept() {
        headers(0);
        assertThat(video(100, false, -33).compositionOffset()).isEqualTo(-33 * 90);
    }

    @Test
    void timestampsSurviveThe32BitWrap() {
        long nearWrap = 0xFFFFFFFFL - 50;
        headers(nearWrap);
        assertThat(video(nearWrap, true, 0).dts()).isZero();
        assertThat(audio(nearWrap + 20).dts()).isEqualTo(20 * 90);
        assertThat(video((nearWrap + 100) & 0xFFFFFFFFL, false, 0).dts()).isEqualTo(100 * 90);
        assertThat(audio((nearWrap + 120) & 0xFFFFFFFFL).dts()).isEqualTo(120 * 90);
        assertThat(video((nearWrap + 1_000_000) & 0xFFFFFFFFL, false, 0).dts()).isEqualTo(1_000_000L * 90);
    }

    @Test
    void dtsIsMonotonicPerTrackEvenWhenThePublisherStepsBack() {
        headers(1000);
        assertThat(video(1000, true, 0).dts()).isZero();
        assertThat(video(1100, false, 0).dts()).isEqualTo(9000);
        assertThat(video(1050, false, 0).dts()).as("a step back is clamped").isEqualTo(9000);
        assertThat(video(1133, false, 0).dts()).isEqualTo(133 * 90);
        assertThat(audio(990).dts()).as("a track starting just before the first timestamp is clamped to zero").isZero();
        assertThat(audio(1013).dts()).isEqualTo(13 * 90);
    }

    @Test
    void aNewSequenceHeaderMidStreamAppliesToLaterPackets() {
        headers(0);
        MediaPacket before = video(10, true, 0);
        byte[] other = FlvBodies.avcSequenceHeader().clone();
        other[other.length - 1] ^= 1; // a different PPS
        demuxer.demux(9, 20, Unpooled.wrappedBuffer(other));
        MediaPacket after = video(30, true, 0);
        assertThat(after.config()).isNotEqualTo(before.config());
    }
}
