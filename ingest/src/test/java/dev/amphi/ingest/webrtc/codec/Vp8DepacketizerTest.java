package dev.amphi.ingest.webrtc.codec;

import static dev.amphi.ingest.webrtc.codec.H264PacketizerTest.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.media.MediaPacket;
import dev.amphi.media.Vp8Config;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class Vp8DepacketizerTest {

    record Case(String name, String bytes, Vp8Descriptor decoded) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> descriptors() {
        return Stream.of(
                new Case("start of frame, no extensions", "10", new Vp8Descriptor(false, true, 0, -1, false, -1, -1, false, -1, 1)),
                new Case("7-bit PictureID", "908005", new Vp8Descriptor(false, true, 0, 5, false, -1, -1, false, -1, 3)),
                new Case("15-bit PictureID", "90808123", new Vp8Descriptor(false, true, 0, 0x123, true, -1, -1, false, -1, 4)),
                new Case("every extension, non-reference", "b0f0812345e7",
                        new Vp8Descriptor(true, true, 0, 0x123, true, 0x45, 3, true, 7, 6)),
                new Case("TL0PICIDX only, partition 3 continued", "834011",
                        new Vp8Descriptor(false, false, 3, -1, false, 0x11, -1, false, -1, 3)),
                new Case("KEYIDX without TID", "80101f", new Vp8Descriptor(false, false, 0, -1, false, -1, -1, false, 31, 3)),
                new Case("TID without KEYIDX", "802040", new Vp8Descriptor(false, false, 0, -1, false, -1, 1, false, -1, 3)));
    }

    @ParameterizedTest
    @MethodSource("descriptors")
    void decodesDescriptor(Case c) {
        byte[] payload = hex(c.bytes() + "aabb");
        assertThat(Vp8Descriptor.parse(payload)).isEqualTo(c.decoded());
    }

    @ParameterizedTest
    @MethodSource("descriptors")
    void encodesDescriptor(Case c) {
        assertThat(HexFormat.of().formatHex(c.decoded().toBytes())).isEqualTo(c.bytes());
    }

    @Test
    void truncatedDescriptorNamesTheField() {
        assertThatThrownBy(() -> Vp8Descriptor.parse(hex("908081"))).hasMessageContaining("PictureID");
        assertThatThrownBy(() -> Vp8Descriptor.parse(hex("80"))).hasMessageContaining("extension byte");
        assertThatThrownBy(() -> Vp8Descriptor.parse(hex("80f08123"))).hasMessageContaining("TL0PICIDX");
        assertThatThrownBy(() -> Vp8Descriptor.parse(new byte[0])).hasMessageContaining("empty");
    }

    static byte[] frame(Random rnd, boolean key, int size, int width, int height) {
        byte[] f = new byte[Math.max(size, key ? 10 : 3)];
        rnd.nextBytes(f);
        f[0] = (byte) ((f[0] & 0xfe) | (key ? 0 : 1));
        if (key) {
            f[3] = (byte) 0x9d;
            f[4] = 0x01;
            f[5] = 0x2a;
            f[6] = (byte) width;
            f[7] = (byte) (width >> 8);
            f[8] = (byte) height;
            f[9] = (byte) (height >> 8);
        }
        return f;
    }

    @ParameterizedTest(name = "MTU {0}")
    @ValueSource(ints = {100, 1200})
    void packetizeThenDepacketizeGivesTheSameFrames(int mtu) {
        Random rnd = new Random(mtu);
        int chunk = mtu - 4;
        int[] sizes = {10, chunk - 1, chunk, chunk + 1, 2 * chunk, 2 * chunk + 1, 7 * chunk + 3};
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            frames.add(frame(rnd, i % 10 == 0, sizes[rnd.nextInt(sizes.length)], 640, 360));
        }
        Vp8Packetizer packetizer = new Vp8Packetizer(mtu, 65530, 32760);
        Collected out = new Collected();
        Depacketizer d = Depacketizer.vp8(out);
        for (int i = 0; i < frames.size(); i++) {
            List<RtpPayload> payloads = packetizer.packetize((0xfffff000L + 3000L * i) & 0xffffffffL, frames.get(i));
            assertThat(payloads).allSatisfy(p -> assertThat(p.payload().length).isLessThanOrEqualTo(mtu));
            assertThat(Vp8Descriptor.parse(payloads.get(0).payload()).pictureId()).isEqualTo((32760 + i) & 0x7fff);
            out.pushAll(d, payloads);
        }
        assertThat(out.keyframeRequests).isEmpty();
        assertThat(out.packets).extracting(MediaPacket::data).containsExactlyElementsOf(frames);
        assertThat(out.packets).extracting(MediaPacket::dts).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, frames.size()).mapToObj(i -> 3000L * i).toList());
        assertThat(out.packets).extracting(MediaPacket::keyframe).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, frames.size()).mapToObj(i -> i % 10 == 0).toList());
        assertThat(out.packets).extracting(MediaPacket::config).containsOnly(new Vp8Config(640, 360));
    }

    @Test
    void lostPacketDropsFramesUntilTheNextKeyframeWithOneRequest() {
        Random rnd = new Random(3);
        Vp8Packetizer packetizer = new Vp8Packetizer(1200, 0, 0);
        List<List<RtpPayload>> sent = new ArrayList<>();
        sent.add(packetizer.packetize(0, frame(rnd, true, 3000, 320, 240)));
        sent.add(packetizer.packetize(3000, frame(rnd, false, 3000, 0, 0)));
        sent.add(packetizer.packetize(6000, frame(rnd, false, 300, 0, 0)));
        sent.add(packetizer.packetize(9000, frame(rnd, true, 3000, 320, 180)));
        sent.get(1).remove(1);
        Collected out = new Collected();
        Depacketizer d = Depacketizer.vp8(out);
        sent.forEach(f -> out.pushAll(d, f));
        assertThat(out.packets).extracting(MediaPacket::dts).containsExactly(0L, 9000L);
        assertThat(out.packets).extracting(MediaPacket::config).containsExactly(new Vp8Config(320, 240), new Vp8Config(320, 180));
        assertThat(out.keyframeRequests).singleElement().asString().contains("sequence gap");
        assertThat(d.droppedFrames()).isEqualTo(2);
    }

    @Test
    void streamJoinedMidFrameWaitsForAKeyframe() {
        Random rnd = new Random(4);
        Vp8Packetizer packetizer = new Vp8Packetizer(1200, 0, 0);
        List<RtpPayload> delta = packetizer.packetize(0, frame(rnd, false, 2000, 0, 0));
        Collected out = new Collected();
        Depacketizer d = Depacketizer.vp8(out);
        assertThat(d.waitingForKeyframe()).as("before any frame").isTrue();
        d.push(delta.get(1)); // the start was before we joined
        out.pushAll(d, packetizer.packetize(3000, frame(rnd, false, 100, 0, 0)));
        out.pushAll(d, packetizer.packetize(6000, frame(rnd, true, 100, 32, 16)));
        assertThat(out.packets).extracting(MediaPacket::keyframe).containsExactly(true);
        assertThat(out.keyframeRequests).hasSize(1);
        assertThat(d.waitingForKeyframe()).isFalse();
    }

    @Test
    void randomlyMutatedPayloadsNeverThrow() {
        Random rnd = new Random(42);
        Vp8Packetizer packetizer = new Vp8Packetizer(300, 0, 0);
        Collected out = new Collected();
        Depacketizer d = Depacketizer.vp8(out);
        for (int i = 0; i < 60; i++) {
            for (RtpPayload p : packetizer.packetize(3000L * i, frame(rnd, i % 10 == 0, rnd.nextInt(2000), 64, 48))) {
                byte[] b = p.payload().clone();
                if (rnd.nextInt(4) == 0) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                    b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));
                }
                d.push(new RtpPayload(rnd.nextInt(10) == 0 ? rnd.nextInt(65536) : p.sequenceNumber(), p.timestamp(),
                        rnd.nextBoolean() && p.marker(), b));
            }
        }
        assertThat(out.packets.size() + d.droppedFrames()).isPositive();
        assertThat(out.packets).allSatisfy(p -> assertThat(p.data().length).isGreaterThanOrEqualTo(3));
    }

    @Test
    void malformedPayloadsAreDroppedNotThrown() {
        for (String bad : List.of("", "80", "9080", "10" /* frame of no bytes */, "10000000000000" /* keyframe without start code */)) {
            Collected out = new Collected();
            Depacketizer d = Depacketizer.vp8(out);
            d.push(new RtpPayload(1, 0, true, hex(bad)));
            out.pushAll(d, new Vp8Packetizer(1200, 2, 0).packetize(3000, frame(new Random(1), true, 50, 8, 8)));
            assertThat(out.packets).as(bad).extracting(MediaPacket::dts).containsExactly(0L);
            assertThat(out.keyframeRequests).as(bad).isNotEmpty();
        }
    }
}
