package dev.amphi.ingest.webrtc.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.amphi.ingest.webrtc.transport.DatagramFilter.Direction;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DatagramFilterTest {

    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5000);
    private static final byte[] RTP_VIDEO = HexFormat.of().parseHex("80e00001000000010000000a0000"); // marker, PT 96
    private static final byte[] RTP_AUDIO = HexFormat.of().parseHex("806f0001000000010000000b0000"); // PT 111
    private static final byte[] RTCP_RR = HexFormat.of().parseHex("81c90007000000010000000c0000"); // PT 201
    private static final byte[] STUN = HexFormat.of().parseHex("000100002112a442000000000000000000000000");
    private static final byte[] DTLS = HexFormat.of().parseHex("16fefd0000000000000000000000");

    @Test
    void tellsRtpOfAPayloadTypeFromRtcpStunAndDtls() {
        assertThat(DatagramFilter.isRtp(RTP_VIDEO, 96)).isTrue();
        assertThat(DatagramFilter.isRtp(RTP_VIDEO, 111)).isFalse();
        assertThat(DatagramFilter.isRtp(RTP_AUDIO, 111)).isTrue();
        assertThat(DatagramFilter.isRtp(RTP_VIDEO)).isTrue();
        assertThat(DatagramFilter.isRtp(RTP_AUDIO)).isTrue();
        for (byte[] other : new byte[][] {RTCP_RR, STUN, DTLS, new byte[3]}) {
            assertThat(DatagramFilter.isRtp(other)).isFalse();
            assertThat(DatagramFilter.isRtp(other, 73)).isFalse();
        }
    }

    @Test
    void lossDropsAboutItsShareOfTheChosenDatagramsOneWayOnly() {
        DatagramFilter f = DatagramFilter.loss(Direction.INBOUND, 0.05, DatagramFilter::isRtp);
        long dropped = IntStream.range(0, 20_000).filter(i -> !f.pass(Direction.INBOUND, PEER, RTP_VIDEO)).count();
        assertThat(dropped).isBetween(800L, 1200L); // 1000 expected, sd about 31
        assertThat(IntStream.range(0, 1000).allMatch(i -> f.pass(Direction.OUTBOUND, PEER, RTP_VIDEO))).isTrue();
        assertThat(IntStream.range(0, 1000).allMatch(i -> f.pass(Direction.INBOUND, PEER, RTCP_RR))).isTrue();
        DatagramFilter all = DatagramFilter.loss(Direction.OUTBOUND, 1, d -> true);
        assertThat(all.pass(Direction.OUTBOUND, PEER, STUN)).isFalse();
        DatagramFilter none = DatagramFilter.loss(Direction.OUTBOUND, 0, d -> true);
        assertThat(none.pass(Direction.OUTBOUND, PEER, STUN)).isTrue();
        assertThatThrownBy(() -> DatagramFilter.loss(Direction.INBOUND, 1.5, d -> true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DatagramFilter.loss(Direction.INBOUND, Double.NaN, d -> true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFilterOnTheTransportSeesAndDropsWhatArrivesUntilRemoved() throws Exception {
        try (WebRtcTransport transport = WebRtcTransport.start(TransportOptions.loopback());
                DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), transport.port());
            AtomicInteger seen = new AtomicInteger();
            transport.filter((direction, remote, d) -> {
                seen.incrementAndGet();
                return false;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                socket.send(new DatagramPacket(RTP_VIDEO, RTP_VIDEO.length, to));
                return seen.get() > 0;
            });
            assertThat(transport.droppedDatagrams()).as("the filter took them before the router").isZero();
            transport.filter(null);
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                socket.send(new DatagramPacket(RTP_VIDEO, RTP_VIDEO.length, to));
                return transport.droppedDatagrams() > 0; // from an unknown source, as without a filter
            });
        }
    }
}
