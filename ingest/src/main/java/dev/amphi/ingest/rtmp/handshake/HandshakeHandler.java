package dev.amphi.ingest.rtmp.handshake;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Server side of the RTMP handshake in a pipeline: reads C0+C1, answers S0+S1+S2 at once (see
 * {@link Handshake}), reads C2, fires {@link HandshakeCompleted} and removes itself; bytes that
 * followed C2 go on to the next handler. A wrong version byte fails with {@link CorruptedFrameException}; a handshake that does
 * not finish within the timeout fails with {@link HandshakeTimeoutException}.
 */
public final class HandshakeHandler extends ByteToMessageDecoder {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HandshakeHandler.class);

    private final Duration timeout;
    private final Clock clock;
    private final Random random;
    private ScheduledFuture<?> timer;
    private boolean answered;
    private boolean failed;

    public HandshakeHandler(Duration timeout, Clock clock, Random random) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("handshake timeout must be positive, was " + timeout);
        }
        this.timeout = timeout;
        this.clock = clock;
        this.random = random;
    }

    /** Thrown when the peer did not complete the handshake in time. */
    public static final class HandshakeTimeoutException extends io.netty.handler.codec.DecoderException {
        HandshakeTimeoutException(String message) {
            super(message);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            startTimer(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        startTimer(ctx);
        super.channelActive(ctx);
    }

    private void startTimer(ChannelHandlerContext ctx) {
        if (timer != null) {
            return;
        }
        timer = ctx.executor().schedule(() -> {
            if (!failed && ctx.channel().isActive()) {
                failed = true;
                ctx.fireExceptionCaught(new HandshakeTimeoutException("handshake not completed within "
                        + timeout.toMillis() + " ms"));
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (!answered) {
            if (in.readableBytes() < 1) {
                return;
            }
            int version = in.getUnsignedByte(in.readerIndex());
            if (version != Handshake.VERSION) {
                failed = true;
                in.skipBytes(in.readableBytes());
                throw new CorruptedFrameException(version == 6 || version == 8 || version == 9
                        ? "RTMPE handshake (version " + version + ") is not supported"
                        : "RTMP version byte " + version + " in C0, expected 3 (not an RTMP client?)");
            }
            if (in.readableBytes() < 1 + Handshake.PACKET_SIZE) {
                return;
            }
            in.skipBytes(1);
            byte[] c1 = new byte[Handshake.PACKET_SIZE];
            in.readBytes(c1);
            byte[][] s1s2 = Handshake.answer(c1, clock.millis(), random);
            if (LOG.isDebugEnabled()) {
                LOG.debug("{}: {} handshake", ctx.channel().remoteAddress(), Handshake.detect(c1));
            }
            ByteBuf reply = ctx.alloc().buffer(1 + 2 * Handshake.PACKET_SIZE);
            reply.writeByte(Handshake.VERSION).writeBytes(s1s2[0]).writeBytes(s1s2[1]);
            ctx.writeAndFlush(reply);
            answered = true;
        }
        if (in.readableBytes() < Handshake.PACKET_SIZE) {
            return;
        }
        in.skipBytes(Handshake.PACKET_SIZE); // C2: its content is not checked (clients disagree on it)
        cancelTimer();
        ctx.fireUserEventTriggered(HandshakeCompleted.INSTANCE);
        ctx.pipeline().remove(this);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelTimer();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimer();
        super.channelInactive(ctx);
    }
}
