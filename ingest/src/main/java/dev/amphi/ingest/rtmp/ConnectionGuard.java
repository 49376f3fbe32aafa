package dev.amphi.ingest.rtmp;

import dev.amphi.ingest.rtmp.handshake.HandshakeHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import dev.amphi.ingest.rtmp.command.DeadlineExpired;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every RTMP pipeline: reports connection open/close to the
 * {@link RtmpListener}, closes connections that missed a deadline ({@link DeadlineExpired}: not
 * publishing in time, or no media while publishing), and turns the first exception of a connection
 * into one bounded log line, one {@link RtmpListener#protocolError} and a close. Later exceptions
 * of the same connection are dropped silently.
 */
final class ConnectionGuard extends ChannelDuplexHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final int MAX_REASON = 200;

    private final RtmpListener listener;
    private boolean failed;

    ConnectionGuard(RtmpListener listener) {
        this.listener = listener;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        listener.connectionOpened();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        listener.connectionClosed();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        LOG.debug("{}: unhandled {}", ctx.channel().remoteAddress(), msg);
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof DeadlineExpired d) {
            if (!failed) {
                failed = true;
                LOG.info("RTMP {} closed: {}", ctx.channel().remoteAddress(), d.reason());
                listener.protocolError(d.reason());
            }
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (failed) {
            ctx.close();
            return;
        }
        failed = true;
        Throwable root = cause instanceof DecoderException && cause.getCause() != null
                && !(cause instanceof HandshakeHandler.HandshakeTimeoutException) ? cause.getCause() : cause;
        if (root instanceof IOException && !(root instanceof SSLException)) {
            LOG.debug("RTMP {} closed: {}", ctx.channel().remoteAddress(), root.toString());
        } else {
            String reason = describe(cause);
            LOG.warn("RTMP {} closed: {}", ctx.channel().remoteAddress(), reason);
            listener.protocolError(reason);
            if (!(cause instanceof DecoderException) && !(cause instanceof SSLException)) {
                LOG.debug("stack trace", cause);
            }
        }
        ctx.close();
    }

    /** A short description: the innermost useful message, at most {@value #MAX_REASON} characters. */
    static String describe(Throwable t) {
        Throwable c = t;
        while (c.getMessage() == null && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof DecoderException && c.getCause() != null && c.getMessage() != null
                && c.getMessage().startsWith(c.getCause().getClass().getName())) {
            c = c.getCause();
        }
        String s = c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName();
        if (c instanceof io.netty.handler.ssl.NotSslRecordException) {
            s = "not an SSL/TLS record (plain RTMP on the RTMPS port?)";
        }
        s = s.replaceAll("[\\r\\n\\t]+", " ");
        return s.length() > MAX_REASON ? s.substring(0, MAX_REASON) + "..." : s;
    }

    /** Counts inbound bytes for the listener; sits right after TLS (so it counts RTMP bytes). */
    static final class TrafficMeter extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final RtmpListener listener;

        TrafficMeter(RtmpListener listener) {
            this.listener = listener;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf b) {
                listener.bytesReceived(b.readableBytes());
            }
            ctx.fireChannelRead(msg);
        }
    }
}
