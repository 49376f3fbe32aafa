package dev.amphi.ingest.webrtc.codec;

import dev.amphi.media.NalUnits;
import static dev.amphi.ingest.webrtc.codec.H264PacketizerTest.PPS;
import static dev.amphi.ingest.webrtc.codec.H264PacketizerTest.SPS;
import static dev.amphi.ingest.webrtc.codec.H264PacketizerTest.hex;
import static dev.amphi.ingest.webrtc.codec.H264PacketizerTest.nal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaPacket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class H264DepacketizerTest {

    private static final int MTU = 1200;

    /** A GOP: SPS, PPS, IDR, then delta frames; NAL sizes around the MTU edge and small ones. */
    static List<List<byte[]>> accessUnits(Random rnd, int count, int mtu) {
        int[] edge = {1, 2, 50, mtu - 1, mtu, mtu + 1, 2 * mtu - 3, 2 * mtu - 2, 2 * mtu - 1, 5 * mtu};
        List<List<byte[]>> aus = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<byte[]> au = new ArrayList<>();
            boolean key = i % 10 == 0;
            if (key) {
                au.add(SPS);
                au.add(PPS);
            }
            int slices = 1 + rnd.nextInt(3);
            for (int s = 0; s < slices; s++) {
                byte[] n = nal(key ? 0x65 : 0x41, Math.max(2, edge[rnd.nextInt(edge.length)]));
                rnd.nextBytes(n);
                n[0] = (byte) (key ? 0x65 : 0x41);
                au.add(n);
            }
            aus.add(au);
        }
        return aus;
    }

    static List<RtpPayload> packetizeAll(H264Packetizer p, List<List<byte[]>> aus, long firstTs) {
        List<RtpPayload> out = new ArrayList<>();
        for (int i = 0; i < aus.size(); i++) {
            out.addAll(p.packetize((firstTs + 3000L * i) & 0xffffffffL, aus.get(i)));
        }
        return out;
    }

    @ParameterizedTest(name = "MTU {0}")
    @ValueSource(ints = {100, 1199, 1200, 1201})
    void packetizeThenDepacketizeGivesTheSameAccessUnits(int mtu) {
        Random rnd = new Random(mtu);
        List<List<byte[]>> aus = accessUnits(rnd, 40, mtu);
        Collected out = new Collected();
        out.pushAll(Depacketizer.h264(out), packetizeAll(new H264Packetizer(mtu, 65000), aus, 0xffffffffL - 20_000));

        assertThat(out.keyframeRequests).isEmpty();
        assertThat(out.packets).hasSize(aus.size());
        for (int i = 0; i < aus.size(); i++) {
            MediaPacket p = out.packets.get(i);
            assertThat(p.data()).as("access unit %d", i).isEqualTo(NalUnits.toAvcc(aus.get(i)));
            assertThat(p.keyframe()).isEqualTo(i % 10 == 0);
            assertThat(p.dts()).as("dts across the 32-bit wrap").isEqualTo(3000L * i);
            assertThat(p.compositionOffset()).isZero();
            assertThat(((AvcConfig) p.config()).sps()).containsExactly(SPS);
        }
    }

    @Test
    void readsHandMadeStapAAndFuA() {
        Collected out = new Collected();
        Depacketizer d = Depacketizer.h264(out);
        d.push(new RtpPayload(7, 90, false, hex("78" + "0005" + "6742c01fd9" + "0004" + "68ce3c80")));
        d.push(new RtpPayload(8, 90, false, hex("7c851122")));
        d.push(new RtpPayload(9, 90, false, hex("7c053344")));
        d.push(new RtpPayload(10, 90, true, hex("7c4555")));
        assertThat(out.packets).singleElement().satisfies(p -> {
            assertThat(p.data()).isEqualTo(NalUnits.toAvcc(List.of(SPS, PPS, hex("651122334455"))));
            assertThat(p.keyframe()).isTrue();
            assertThat(p.config()).isEqualTo(AvcConfig.of(List.of(SPS), List.of(PPS)));
        });
    }

    @Test
    void lostFuAMiddleFragmentDropsTheFrameAndAsksForAKeyframe() {
        List<List<byte[]>> aus = new ArrayList<>(List.of(
                List.of(SPS, PPS, nal(0x65, 3000)), List.of(nal(0x41, 3000)), List.of(nal(0x41, 500)),
                List.of(SPS, PPS, nal(0x65, 3000)), List.of(nal(0x41, 200))));
        H264Packetizer packetizer = new H264Packetizer(MTU, 0);
        List<List<RtpPayload>> frames = new ArrayList<>();
        for (int i = 0; i < aus.size(); i++) {
            frames.add(packetizer.packetize(3000L * i, aus.get(i)));
        }
        assertThat(frames.get(1)).hasSize(3);
        frames.get(1).remove(1); // the middle FU-A fragment of the first delta frame
        Collected out = new Collected();
        Depacketizer d = Depacketizer.h264(out);
        for (int i = 0; i < frames.size(); i++) {
            if (i == 3) {
                assertThat(d.waitingForKeyframe()).as("before the IDR").isTrue();
            }
            out.pushAll(d, frames.get(i));
        }

        assertThat(out.packets).extracting(MediaPacket::dts).containsExactly(0L, 9000L, 12000L);
        assertThat(out.keyframeRequests).singleElement().asString().contains("sequence gap 5..5");
        assertThat(d.droppedFrames()).isEqualTo(2); // the damaged frame and the one after it, until the IDR
        assertThat(d.waitingForKeyframe()).isFalse();
    }

    @Test
    void reorderedPacketsPutBackInOrderGiveTheSameFrames() {
        List<List<byte[]>> aus = accessUnits(new Random(5), 30, MTU);
        List<RtpPayload> sent = packetizeAll(new H264Packetizer(MTU, 10), aus, 0);
        List<RtpPayload> shuffled = new ArrayList<>(sent);
        Random rnd = new Random(6);
        for (int i = 4; i + 4 <= shuffled.size(); i += 4) { // the first packet starts the stream
            Collections.shuffle(shuffled.subList(i, i + 4), rnd);
        }
        assertThat(shuffled).isNotEqualTo(sent);
        ReorderBuffer buffer = new ReorderBuffer(8);
        Collected out = new Collected();
        Depacketizer d = Depacketizer.h264(out);
        shuffled.forEach(p -> buffer.push(p).forEach(d::push));

        assertThat(out.keyframeRequests).isEmpty();
        assertThat(out.packets).extracting(MediaPacket::data)
                .containsExactlyElementsOf(aus.stream().map(NalUnits::toAvcc).toList());
    }

    @Test
    void timestampChangeEndsAFrameWhoseMarkerWasMissing() {
        Collected out = new Collected();
        Depacketizer d = Depacketizer.h264(out);
        d.push(new RtpPayload(1, 0, false, hex("780005" + "6742c01fd9" + "0004" + "68ce3c80")));
        d.push(new RtpPayload(2, 0, false, hex("658899")));
        d.push(new RtpPayload(3, 3000, true, hex("4177")));
        assertThat(out.packets).extracting(MediaPacket::dts).containsExactly(0L, 3000L);
        assertThat(out.packets).extracting(MediaPacket::keyframe).containsExactly(true, false);
    }

    @Test
    void deltaFramesBeforeTheFirstKeyframeAreDroppedWithOneRequest() {
        Collected out = new Collected();
        Depacketizer d = Depacketizer.h264(out);
        d.push(new RtpPayload(1, 0, true, hex("4101")));
        d.push(new RtpPayload(2, 3000, true, hex("4102")));
        d.push(new RtpPayload(3, 6000, true, hex("780005" + "6742c01fd9" + "0004" + "68ce3c80")));
        d.push(new RtpPayload(4, 6000, true, hex("6503")));
        d.push(new RtpPayload(5, 9000, true, hex("4104")));
        assertThat(out.keyframeRequests).singleElement().asString().contains("no SPS and PPS");
        // the STAP-A had its own marker: parameter sets without a slice go in front of the next picture
        assertThat(out.packets).extracting(MediaPacket::data).containsExactly(
                NalUnits.toAvcc(List.of(SPS, PPS, hex("6503"))), NalUnits.toAvcc(List.of(hex("4104"))));
        assertThat(out.packets).extracting(MediaPacket::keyframe).containsExactly(true, false);
        assertThat(d.droppedFrames()).isEqualTo(2);
        assertThat(d.waitingForKeyframe()).isFalse();
    }

    @Test
    void inBandParameterSetsUpdateTheConfig() {
        byte[] sps2 = hex("6742c028d9");
        Collected out = new Collected();
        Depacketizer d = Depacketizer.h264(out);
        out.pushAll(d, new H264Packetizer(MTU, 0).packetize(0, List.of(SPS, PPS, hex("6501"))));
        out.pushAll(d, new H264Packetizer(MTU, 1).packetize(3000, List.of(hex("4102"))));
        out.pushAll(d, new H264Packetizer(MTU, 2).packetize(6000, List.of(sps2, PPS, hex("6503"))));
        assertThat(out.packets).extracting(p -> p.config().rfc6381())
                .containsExactly("avc1.42c01f", "avc1.42c01f", "avc1.42c028");
    }

    @Test
    void modeZeroAndInterleavedPayloadTypesAndBadAggregatesAreDroppedNotThrown() {
        for (String bad : List.of("19000201" /* STAP-B */, "1a00" /* MTAP16 */, "1d8001" /* FU-B */,
                "78000501" /* STAP-A size past the end */, "7800" /* STAP-A cut in a size */, "7c80" /* FU-A empty */,
                "7cc001" /* FU-A start and end */, "7c0501" /* FU-A middle without start */, "c1" /* forbidden bit */,
                "" /* empty */)) {
            Collected out = new Collected();
            Depacketizer d = Depacketizer.h264(out);
            out.pushAll(d, new H264Packetizer(MTU, 0).packetize(0, List.of(SPS, PPS, hex("6501"))));
            d.push(new RtpPayload(1, 3000, true, hex(bad)));
            d.push(new RtpPayload(2, 6000, true, hex("4103")));
            out.pushAll(d, new H264Packetizer(MTU, 3).packetize(9000, List.of(hex("6504"))));
            assertThat(out.packets).as(bad).extracting(MediaPacket::dts).containsExactly(0L, 9000L);
            assertThat(out.keyframeRequests).as(bad).hasSize(1);
        }
    }

    @Test
    void randomlyMutatedPayloadsNeverThrow() {
        Random rnd = new Random(42);
        List<RtpPayload> sent = packetizeAll(new H264Packetizer(300, 0), accessUnits(rnd, 50, 300), 0);
        Collected out = new Collected();
        Depacketizer d = Depacketizer.h264(out);
        for (RtpPayload p : sent) {
            byte[] b = p.payload().clone();
            if (rnd.nextInt(4) == 0) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));
            }
            d.push(new RtpPayload(rnd.nextInt(10) == 0 ? rnd.nextInt(65536) : p.sequenceNumber(), p.timestamp(),
                    rnd.nextBoolean() && p.marker(), b));
        }
        assertThat(out.packets.size() + d.droppedFrames()).isPositive();
        assertThat(out.packets).allSatisfy(p -> NalUnits.splitAvcc(p.data(), 4));
    }
}
