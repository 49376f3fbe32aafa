package dev.amphi.ingest.webrtc.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.ingest.webrtc.codec.RtpPayload;
import dev.amphi.ingest.webrtc.rtp.RtpPacket;
import dev.amphi.ingest.webrtc.sdp.Codec;
import dev.amphi.ingest.webrtc.sdp.Direction;
import dev.amphi.ingest.webrtc.sdp.NegotiatedMedia;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * How the transport repairs loss without making it worse: the receiving side's NACKs (repeated no
 * sooner than 50 ms, within a budget per packet received) and the sending side's resends (a packet
 * at most once per 30 ms however often it is asked for, from a cache of about a second).
 */
class LossRepairPolicyTest {

    private static final long MS = 1_000_000L;

    /** What an inbound stream asked for, NACK by NACK. */
    private static final class Asked implements InboundStream.Feedback {
        final List<List<Integer>> nacks = new ArrayList<>();

        @Override
        public void nack(InboundStream stream, List<Integer> lost) {
            nacks.add(List.copyOf(lost));
        }

        @Override
        public void pli(InboundStream stream) {
        }

        @Override
        public void deliver(InboundStream stream, MediaPacket packet, OptionalInt audioLevel) {
        }

        int total() {
            return nacks.stream().mapToInt(List::size).sum();
        }
    }

    private static InboundStream videoStream(Asked asked) {
        NegotiatedMedia media = new NegotiatedMedia("1", MediaKind.VIDEO, Direction.RECVONLY,
                new Codec(96, "H264", 90000, 1, "packetization-mode=1"), OptionalInt.empty(), 90000, List.of(), Map.of(),
                Map.of(), List.of("nack", "nack pli"), true, false);
        return new InboundStream(media, 0x1234, asked);
    }

    private static void receive(InboundStream s, int seq, long now) {
        s.receive(seq, seq * 3000L, false, new byte[] {0x09, 0x10}, -1, false, now);
    }

    @Test
    void aGapIsAskedForAtOnceAndAgainNoSoonerThan50Ms() {
        Asked asked = new Asked();
        InboundStream s = videoStream(asked);
        long t = 1_000 * MS;
        receive(s, 100, t);
        receive(s, 103, t); // 101 and 102 lost
        assertThat(asked.nacks).containsExactly(List.of(101, 102));
        for (long at = t + 20 * MS; at < t + 50 * MS; at += 20 * MS) {
            s.tick(at, 1 * MS); // a 1 ms round trip says little about the queues on the way
        }
        assertThat(asked.nacks).hasSize(1);
        s.tick(t + 50 * MS, 1 * MS);
        assertThat(asked.nacks).containsExactly(List.of(101, 102), List.of(101, 102));
        s.receive(101, 101 * 3000L, false, new byte[] {0x09, 0x10}, -1, true, t + 60 * MS);
        s.tick(t + 110 * MS, 1 * MS);
        assertThat(asked.nacks.get(2)).containsExactly(102);
        assertThat(s.retransmitsReceived).isEqualTo(1);
    }

    @Test
    void heavyLossIsAskedForOnlyWithinTheBudget() {
        Asked asked = new Asked();
        InboundStream s = videoStream(asked);
        long t = 1_000 * MS;
        // 4,000 packets sent, every second one lost (50 %): 2,000 arrive and earn 500 requests, plus the burst of 64
        for (int seq = 0; seq < 4000; seq += 2) {
            receive(s, seq, t + seq * MS);
        }
        assertThat(asked.total()).isBetween(500, 500 + (int) InboundStream.NACK_BURST);
        assertThat(s.nacksSkipped).isEqualTo(1999 - asked.total());
        // a few losses on a healthy stream are all asked for again once the budget has refilled
        Asked healthy = new Asked();
        InboundStream h = videoStream(healthy);
        IntStream.range(0, 1000).filter(seq -> seq % 100 != 50).forEach(seq -> receive(h, seq, t + seq * MS));
        assertThat(healthy.nacks).hasSize(10).allSatisfy(n -> assertThat(n).hasSize(1));
        assertThat(h.nacksSkipped).isZero();
    }

    /** Where an outbound stream's packets went. */
    private static final class Wire implements OutboundStream.Wire {
        final List<byte[]> sent = new ArrayList<>();

        @Override
        public byte[] protectRtp(byte[] plain) {
            return plain.clone(); // no SRTP here: the bytes as they would be protected
        }

        @Override
        public void send(List<byte[]> datagrams) {
            sent.addAll(datagrams);
        }
    }

    @Test
    void aPacketIsResentAtMostOncePer30MsAndOnlyWhileCached() {
        OutboundStream out = new OutboundStream(0x55, 96, 90000, 0x66, 97, OutboundStream.VIDEO_CACHE, new SecureRandom());
        Wire wire = new Wire();
        long t = 1_000 * MS;
        List<RtpPayload> frame = new ArrayList<>();
        for (int seq = 10; seq < 10 + OutboundStream.VIDEO_CACHE + 100; seq++) { // 10..621: 12 is overwritten by 524
            frame.add(new RtpPayload(seq, 9000, false, new byte[] {(byte) seq, 1, 2}));
        }
        out.send(frame, wire, t);
        assertThat(wire.sent).hasSize(frame.size());
        assertThat(out.retransmit(List.of(600, 601), wire, t + 5 * MS)).isEqualTo(2);
        RtpPacket rtx = RtpPacket.parse(wire.sent.get(wire.sent.size() - 2));
        assertThat(rtx.ssrc()).isEqualTo(0x66);
        assertThat(rtx.payloadType()).isEqualTo(97);
        assertThat(rtx.payload()).containsExactly(0x02, 0x58, (byte) 600, 1, 2); // the original sequence number first
        assertThat(out.retransmit(List.of(600, 601), wire, t + 20 * MS)).as("asked again before 30 ms").isZero();
        assertThat(out.retransmit(List.of(601), wire, t + 36 * MS)).isEqualTo(1);
        assertThat(out.retransmit(List.of(12), wire, t + 40 * MS)).as("overwritten in the cache").isZero();
        assertThat(out.retransmit(List.of(700), wire, t + 1_200 * MS)).as("older than a second").isZero();
        assertThat(out.retransmits()).isEqualTo(3);
    }

    @Test
    void withoutRtxTheProtectedBytesAreResentAsTheyWere() {
        OutboundStream out = new OutboundStream(0x55, 111, 48000, 0, -1, OutboundStream.AUDIO_CACHE, new SecureRandom());
        Wire wire = new Wire();
        out.send(List.of(new RtpPayload(7, 960, false, new byte[] {1, 2, 3})), wire, 0);
        assertThat(out.retransmit(List.of(7), wire, 5 * MS)).isEqualTo(1);
        assertThat(wire.sent.get(1)).isEqualTo(wire.sent.get(0));
    }
}
