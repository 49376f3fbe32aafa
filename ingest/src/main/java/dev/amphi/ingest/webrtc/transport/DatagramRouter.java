package dev.amphi.ingest.webrtc.transport;

import dev.amphi.ingest.webrtc.ice.Demultiplexer;
import dev.amphi.ingest.webrtc.rtp.RtpFormatException;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last stage of the shared port's pipeline, after {@code StunHandler}: a DTLS, RTP or RTCP
 * datagram goes to the peer whose nominated address sent it; one from anywhere else is dropped
 * and counted. A datagram a peer cannot use (malformed, failing SRTP) is counted and dropped;
 * no exception leaves this stage and the channel is never closed by a bad datagram.
 */
final class DatagramRouter extends SimpleChannelInboundHandler<DatagramPacket> {

    private static final Logger LOG = LoggerFactory.getLogger(DatagramRouter.class);

    private final WebRtcTransport transport;

    DatagramRouter(WebRtcTransport transport) {
        this.transport = transport;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        Peer peer = transport.peerAt(packet.sender());
        if (peer == null || peer.isClosed()) {
            transport.unknownSource();
            return;
        }
        byte[] bytes = ByteBufUtil.getBytes(packet.content());
        long now = System.nanoTime();
        Channel home = peer.loopChannel();
        if (home == ctx.channel()) {
            route(peer, bytes, now);
        } else {
            // the peer's address moved to another of the port's sockets: its state belongs to its home loop
            home.eventLoop().execute(() -> route(peer, bytes, now));
        }
    }

    /** Hands one datagram of a known peer to it; nothing thrown leaves. */
    static void route(Peer peer, byte[] bytes, long now) {
        Demultiplexer.Kind kind = Demultiplexer.classify(bytes);
        try {
            switch (kind) {
                case DTLS -> peer.dtlsRecord(bytes);
                case RTP -> {
                    if (peer.connected()) {
                        peer.media.rtp(bytes, now);
                    } else {
                        peer.early(bytes);
                    }
                }
                case RTCP -> {
                    if (peer.connected()) {
                        peer.media.rtcp(bytes, now);
                    } else {
                        peer.early(bytes);
                    }
                }
                default -> peer.media.drop();
            }
        } catch (RtpFormatException | IllegalArgumentException e) {
            peer.media.drop();
            LOG.debug("peer {}: {} datagram dropped: {}", peer.id(), kind, e.getMessage());
        } catch (RuntimeException e) {
            peer.media.drop();
            LOG.warn("peer {}: {} datagram failed: {}", peer.id(), kind, e.toString());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a UDP socket serves every peer: an error (e.g. an ICMP unreachable) must not close it
        LOG.debug("WebRTC port: {}", cause.toString());
    }

    /** The first stage while a {@link DatagramFilter} is set (tests): drops what it does not pass. */
    static final class Filter extends SimpleChannelInboundHandler<DatagramPacket> {
        private final WebRtcTransport transport;

        Filter(WebRtcTransport transport) {
            super(false);
            this.transport = transport;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            DatagramFilter f = transport.currentFilter();
            if (f != null && !f.pass(DatagramFilter.Direction.INBOUND, packet.sender(), ByteBufUtil.getBytes(packet.content()))) {
                packet.release();
            } else {
                ctx.fireChannelRead(packet);
            }
        }
    }

    /**
     * The first stage: datagrams over {@link WebRtcTransport#MAX_DATAGRAM} bytes, and those that are
     * none of STUN, DTLS, RTP and RTCP (RFC 7983), are dropped and counted.
     */
    static final class Gate extends SimpleChannelInboundHandler<DatagramPacket> {
        private final LongAdder oversize;
        private final LongAdder unclassified;

        Gate(LongAdder oversize, LongAdder unclassified) {
            super(false);
            this.oversize = oversize;
            this.unclassified = unclassified;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            if (packet.content().readableBytes() > WebRtcTransport.MAX_DATAGRAM) {
                oversize.increment();
                packet.release();
            } else if (Demultiplexer.classify(packet.content()) == Demultiplexer.Kind.DROP) {
                unclassified.increment();
                packet.release();
            } else {
                ctx.fireChannelRead(packet);
            }
        }
    }
}
