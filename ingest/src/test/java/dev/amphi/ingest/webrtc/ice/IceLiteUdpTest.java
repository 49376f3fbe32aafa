package dev.amphi.ingest.webrtc.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.amphi.ingest.webrtc.ice.IceLiteResponder.Outcome;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The STUN stage on a real UDP socket on 127.0.0.1: a test STUN client (a plain
 * {@link DatagramSocket}) checks, nominates, moves to a second socket; RTP passes on to the next
 * stage, garbage is dropped.
 */
class IceLiteUdpTest {

    static final String PWD = "server-password-0123456789";

    MultiThreadIoEventLoopGroup group;
    Channel channel;
    IceLiteResponder<String> responder = new IceLiteResponder<>();
    List<Outcome<String>> nominations = new CopyOnWriteArrayList<>();
    List<String> passedOn = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        responder.register("srv1", PWD, "peer-1");
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<NioDatagramChannel>() {
                    @Override
                    protected void initChannel(NioDatagramChannel ch) {
                        ch.pipeline().addLast(new StunHandler<>(responder, nominations::add),
                                new SimpleChannelInboundHandler<DatagramPacket>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                                        passedOn.add(HexFormat.of().formatHex(ByteBufUtil.getBytes(p.content())));
                                    }
                                });
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
    }

    @AfterEach
    void stop() throws Exception {
        channel.close().sync();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }

    private InetSocketAddress server() {
        return (InetSocketAddress) channel.localAddress();
    }

    private static byte[] exchange(DatagramSocket client, InetSocketAddress server, byte[] request) throws Exception {
        client.send(new java.net.DatagramPacket(request, request.length, server));
        byte[] buffer = new byte[1500];
        java.net.DatagramPacket in = new java.net.DatagramPacket(buffer, buffer.length);
        client.receive(in);
        return java.util.Arrays.copyOf(buffer, in.getLength());
    }

    @Test
    void checksAreAnsweredAndNominationsFollowTheClient() throws Exception {
        byte[] key = PWD.getBytes(StandardCharsets.UTF_8);
        try (DatagramSocket wifi = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket lte = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            wifi.setSoTimeout(5000);
            lte.setSoTimeout(5000);
            StunMessage reply = StunMessage.parse(exchange(wifi, server(), IceLiteResponderTest.check("srv1:brws", key, false)));
            assertThat(reply.type()).isEqualTo(StunMessage.BINDING_SUCCESS);
            assertThat(reply.xorMappedAddress()).contains((InetSocketAddress) wifi.getLocalSocketAddress());
            assertThat(reply.verifyIntegrity(key)).isTrue();
            assertThat(reply.verifyFingerprint()).isTrue();

            exchange(wifi, server(), IceLiteResponderTest.check("srv1:brws", key, true));
            await().atMost(Duration.ofSeconds(5)).until(() -> nominations.size() == 1);
            assertThat(nominations.get(0).nominated()).isEqualTo(wifi.getLocalSocketAddress());

            StunMessage moved = StunMessage.parse(exchange(lte, server(), IceLiteResponderTest.check("srv1:brws", key, true)));
            assertThat(moved.xorMappedAddress()).contains((InetSocketAddress) lte.getLocalSocketAddress());
            await().atMost(Duration.ofSeconds(5)).until(() -> nominations.size() == 2);
            assertThat(nominations.get(1).previous()).isEqualTo(wifi.getLocalSocketAddress());
            assertThat(responder.nominated("srv1")).contains((InetSocketAddress) lte.getLocalSocketAddress());

            StunMessage refused = StunMessage.parse(exchange(wifi, server(),
                    IceLiteResponderTest.check("srv1:brws", "wrong-password-0123456789".getBytes(StandardCharsets.UTF_8), true)));
            assertThat(refused.errorCode()).map(StunMessage.ErrorCode::code).contains(401);
        }
    }

    @Test
    void mediaIsPassedOnAndGarbageAndUnknownUfragsGetNoAnswer() throws Exception {
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(5000);
            byte[] rtp = HexFormat.of().parseHex("806f0001000000000000abcd01");
            byte[] garbage = HexFormat.of().parseHex("ff00ff00");
            byte[] unknown = IceLiteResponderTest.check("nope:brws", PWD.getBytes(StandardCharsets.UTF_8), true);
            for (byte[] d : List.of(garbage, unknown, rtp)) {
                client.send(new java.net.DatagramPacket(d, d.length, server()));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> passedOn.size() == 1);
            assertThat(passedOn).containsExactly(HexFormat.of().formatHex(rtp));
            // the port handles datagrams in order on one event loop: if the first answer that arrives is
            // the one to a valid check sent last, nothing was sent for the garbage or the unknown ufrag
            byte[] valid = IceLiteResponderTest.check("srv1:brws", PWD.getBytes(StandardCharsets.UTF_8), false);
            StunMessage first = StunMessage.parse(exchange(client, server(), valid));
            assertThat(first.type()).isEqualTo(StunMessage.BINDING_SUCCESS);
            assertThat(first.transactionId()).isEqualTo(StunMessage.parse(valid).transactionId());
            assertThat(nominations).isEmpty();
        }
    }
}
