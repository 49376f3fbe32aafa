package dev.amphi.ingest.webrtc.ice;

import dev.amphi.ingest.webrtc.ice.IceLiteResponder.Action;
import dev.amphi.ingest.webrtc.ice.IceLiteResponder.Outcome;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first stage of the shared WebRTC UDP port's pipeline: STUN datagrams go to the
 * {@link IceLiteResponder} and its reply is written back to the source; DTLS, RTP and RTCP
 * datagrams are passed on unchanged to the next stage; the rest is dropped (RFC 7983). Every
 * nomination (first or moved) is handed to {@code onNomination} on the event loop, which must not
 * block. Handling a check costs one HMAC-SHA1 and one CRC-32, nothing blocking.
 */
public final class StunHandler<P> extends SimpleChannelInboundHandler<DatagramPacket> {

    private static final Logger LOG = LoggerFactory.getLogger(StunHandler.class);

    private final IceLiteResponder<P> responder;
    private final Consumer<Outcome<P>> onNomination;
    private final Consumer<Outcome<P>> onOutcome;

    public StunHandler(IceLiteResponder<P> responder, Consumer<Outcome<P>> onNomination) {
        this(responder, onNomination, out -> { });
    }

    /**
     * As {@link #StunHandler(IceLiteResponder, Consumer)}, and every outcome also goes to
     * {@code onOutcome} after {@code onNomination}, on the event loop (which must not block): a
     * success, nominating or not, is the peer's consent to receive (RFC 7675); drops and refusals
     * can be counted.
     */
    public StunHandler(IceLiteResponder<P> responder, Consumer<Outcome<P>> onNomination, Consumer<Outcome<P>> onOutcome) {
        super(false);
        this.responder = Objects.requireNonNull(responder, "responder");
        this.onNomination = Objects.requireNonNull(onNomination, "onNomination");
        this.onOutcome = Objects.requireNonNull(onOutcome, "onOutcome");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        switch (Demultiplexer.classify(packet.content())) {
            case STUN -> {
                try {
                    Outcome<P> out = responder.handle(ByteBufUtil.getBytes(packet.content()), packet.sender());
                    if (out.action() == Action.NOMINATED) {
                        onNomination.accept(out);
                    }
                    onOutcome.accept(out);
                    if (out.reply() != null) {
                        ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(out.reply()), out.replyTo()));
                    } else {
                        LOG.debug("STUN from {} dropped: {}", packet.sender(), out.reason());
                    }
                } finally {
                    packet.release();
                }
            }
            case DTLS, RTP, RTCP -> ctx.fireChannelRead(packet);
            case DROP -> packet.release();
        }
    }
}
