package dev.amphi.ingest.webrtc.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.OpusConfig;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OpusDepacketizerTest {

    @Test
    void eachPayloadIsOneOpusPacketOnTheNinetyKilohertzTimeline() {
        Collected out = new Collected();
        Depacketizer d = Depacketizer.opus(2, out);
        long start = 0xffffffffL - 960; // wraps after the second packet
        for (int i = 0; i < 4; i++) {
            d.push(new RtpPayload((65535 + i) & 0xffff, (start + 960L * i) & 0xffffffffL, false, new byte[] {(byte) 0xfc, (byte) i}));
        }
        assertThat(out.packets).extracting(MediaPacket::dts).containsExactly(0L, 1800L, 3600L, 5400L);
        assertThat(out.packets).allSatisfy(p -> {
            assertThat(p.kind()).isEqualTo(MediaKind.AUDIO);
            assertThat(p.keyframe()).isTrue();
            assertThat(p.config()).isEqualTo(new OpusConfig(2));
        });
        assertThat(out.packets.get(3).data()).containsExactly(0xfc, 3);
    }

    @Test
    void lossNeedsNoKeyframeAndDuplicatesAndEmptyPayloadsAreDropped() {
        Collected out = new Collected();
        Depacketizer d = Depacketizer.opus(1, out);
        d.push(new RtpPayload(10, 0, false, new byte[] {1}));
        d.push(new RtpPayload(12, 1920, false, new byte[] {2})); // 11 lost: the decoder conceals it
        d.push(new RtpPayload(12, 1920, false, new byte[] {2})); // duplicate
        d.push(new RtpPayload(11, 960, false, new byte[] {3})); // too late
        d.push(new RtpPayload(13, 2880, false, new byte[0])); // empty: not an Opus packet
        d.push(new RtpPayload(14, 3840, false, new byte[] {4}));
        assertThat(out.packets).extracting(p -> p.data()[0]).containsExactly((byte) 1, (byte) 2, (byte) 4);
        assertThat(out.packets).extracting(MediaPacket::dts).containsExactly(0L, 3600L, 7200L);
        assertThat(out.keyframeRequests).isEmpty();
        assertThat(d.droppedFrames()).isEqualTo(1);
    }

    @Test
    void configRecordIsAnOpusHead() {
        byte[] head = new OpusConfig(2).record();
        assertThat(new String(Arrays.copyOf(head, 8), StandardCharsets.US_ASCII)).isEqualTo("OpusHead");
        assertThat(head).hasSize(19);
        assertThat(head[9]).isEqualTo((byte) 2);
        assertThat(new OpusConfig(1).rfc6381()).isEqualTo("opus");
    }

    @Test
    void packetizedOpusComesBackUnchanged() {
        OpusPacketizer packetizer = new OpusPacketizer(65535);
        Collected out = new Collected();
        Depacketizer d = Depacketizer.opus(2, out);
        for (int i = 0; i < 3; i++) {
            d.push(packetizer.packetize(960L * i, new byte[] {(byte) 0x78, (byte) i}));
        }
        assertThat(out.packets).extracting(MediaPacket::data)
                .containsExactly(new byte[] {0x78, 0}, new byte[] {0x78, 1}, new byte[] {0x78, 2});
        assertThat(out.packets).extracting(MediaPacket::dts).containsExactly(0L, 1800L, 3600L);
    }
}
