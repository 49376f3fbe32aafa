package dev.amphi.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes HTTP/1.1 connections that hold a socket without making progress, which Vert.x does not do
 * by itself (its idle timeout cannot tell a silent client from a long event stream):
 * <ul>
 *   <li><b>header timeout</b>: a request's headers must be complete within it, counted from the
 *       connection's start (after TLS) or from the first byte of a request on a kept-alive
 *       connection; a client sending a header byte every few seconds is closed (with a 408 when it
 *       had sent something);</li>
 *   <li><b>keep-alive timeout</b>: a connection with no request in progress and every response
 *       sent (to the last byte: the kernel took it) is closed when the next request's first byte
 *       does not come within it;</li>
 *   <li><b>body timeout</b>: a request's whole body must arrive within it, counted from its headers
 *       (Amphi takes small JSON bodies only), so a chunked body that never ends and a short
 *       {@code Content-Length} are closed.</li>
 * </ul>
 * While a request is being answered (a handler working, a response being written however slowly, an
 * event stream that never ends) no timer runs. A connection costs two small handlers and at most
 * one timer on its own event loop at a time; no thread per connection, no polling.
 *
 * <p>Two handlers share this state: one before Vert.x's HTTP decoder sees the first raw byte of a
 * request, one before Vert.x's connection handler sees decoded requests, their bodies' ends and the
 * responses' ends. Everything runs on the connection's event loop. The handlers go into the
 * pipeline from {@link io.vertx.core.http.HttpServer#connectionHandler}, which Vert.x calls on the
 * event loop before the connection reads; this relies on Vert.x's HTTP/1.x pipeline (handler names
 * {@code httpDecoder} and {@code handler}), so the servers using it turn HTTP/2 off.
 */
final class HttpTimeouts {

    private static final Logger LOG = LoggerFactory.getLogger(HttpTimeouts.class);
    private static final byte[] REQUEST_TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
            + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    /** Which timer closed a connection. */
    enum Phase {
        HEADER("header"), KEEP_ALIVE("keep-alive"), BODY("body");

        final String label;

        Phase(String label) {
            this.label = label;
        }
    }

    /** Told, on the event loop, of connections opened, closed, and closed by a timeout. */
    interface Listener {
        void opened();

        void closed();

        void timedOut(Phase phase);
    }

    /**
     * The three timeouts.
     *
     * @param header    a request's headers must be complete within it (100 ms .. 1 h)
     * @param keepAlive an idle kept-alive connection is closed after it (100 ms .. 1 h)
     * @param body      a request's body must be complete within it, counted from its headers (100 ms .. 1 h)
     */
    record Limits(Duration header, Duration keepAlive, Duration body) {
        Limits {
            check("--http-header-timeout", header);
            check("--http-keep-alive-timeout", keepAlive);
            check("--http-body-timeout", body);
        }

        /** 60 s for headers (nginx's client_header_timeout), 75 s keep-alive (nginx's keepalive_timeout), 60 s for a body. */
        static Limits defaults() {
            return new Limits(Duration.ofSeconds(60), Duration.ofSeconds(75), Duration.ofSeconds(60));
        }

        private static void check(String flag, Duration d) {
            Objects.requireNonNull(d, flag);
            if (d.compareTo(Duration.ofMillis(100)) < 0 || d.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException(flag + " must be between 100ms and 1h, was " + d.toMillis() + "ms");
            }
        }
    }

    private HttpTimeouts() {
    }

    /**
     * Installs the timeouts on a connection Vert.x just accepted; call from
     * {@link io.vertx.core.http.HttpServer#connectionHandler}. A connection that is not Vert.x's
     * HTTP/1.x pipeline is left alone (logged once).
     */
    static void install(HttpConnection connection, Limits limits, Listener listener) {
        if (!(connection instanceof ConnectionBase base)) {
            warnOnce(connection.getClass().getName());
            return;
        }
        Channel channel = base.channel();
        ChannelPipeline pipeline = channel.pipeline();
        if (pipeline.get("httpDecoder") == null || pipeline.get("handler") == null) {
            warnOnce(pipeline.names().toString());
            return;
        }
        State state = new State(limits, listener);
        pipeline.addBefore("httpDecoder", "amphi-request-bytes", state.bytes);
        pipeline.addBefore("handler", "amphi-http-timeouts", state.messages);
    }

    private static volatile boolean warned;

    private static void warnOnce(String what) {
        if (!warned) {
            warned = true;
            LOG.warn("HTTP timeouts not installed on a connection Vert.x set up differently ({}); only the TLS handshake timeout applies", what);
        }
    }

    /** One connection's timer and what it waits for; event loop only. */
    private static final class State {
        private final long headerNanos;
        private final long keepAliveNanos;
        private final long bodyNanos;
        private final Listener listener;
        private final RequestBytes bytes = new RequestBytes();
        private final Messages messages = new Messages();
        private ChannelHandlerContext rawCtx;
        private ScheduledFuture<?> timer;
        private Phase waitingFor;
        /** Requests whose headers came and whose response has not been sent to the last byte. */
        private int unanswered;
        private boolean readingBody;
        private boolean sawBytes;
        private boolean counted;

        State(Limits limits, Listener listener) {
            this.headerNanos = limits.header().toNanos();
            this.keepAliveNanos = limits.keepAlive().toNanos();
            this.bodyNanos = limits.body().toNanos();
            this.listener = listener;
        }

        private void arm(Phase phase, long nanos) {
            cancel();
            waitingFor = phase;
            timer = rawCtx.executor().schedule(this::expire, nanos, TimeUnit.NANOSECONDS);
        }

        private void cancel() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            waitingFor = null;
        }

        private void expire() {
            Phase phase = waitingFor;
            timer = null;
            waitingFor = null;
            if (phase == null || !rawCtx.channel().isActive()) {
                return;
            }
            listener.timedOut(phase);
            if (phase == Phase.HEADER && sawBytes && unanswered == 0) {
                // below the encoder: the bytes go out as they are, nothing else is being written
                rawCtx.writeAndFlush(Unpooled.wrappedBuffer(REQUEST_TIMEOUT)).addListener(ChannelFutureListener.CLOSE);
            } else {
                rawCtx.close();
            }
        }

        /** A response was sent to its last byte, or a body ended: wait for the next request if nothing else is pending. */
        private void maybeIdle() {
            if (unanswered == 0 && !readingBody) {
                sawBytes = false;
                arm(Phase.KEEP_ALIVE, keepAliveNanos);
            }
        }

        /** Sees the raw bytes of requests (after TLS, before the HTTP decoder). */
        private final class RequestBytes extends ChannelInboundHandlerAdapter {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                rawCtx = ctx;
                if (ctx.channel().isActive()) {
                    counted = true;
                    listener.opened();
                    arm(Phase.HEADER, headerNanos);
                }
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ByteBuf b && b.isReadable()) {
                    if (waitingFor == Phase.KEEP_ALIVE) {
                        arm(Phase.HEADER, headerNanos);
                    }
                    sawBytes = true;
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                cancel();
                if (counted) {
                    counted = false;
                    listener.closed();
                }
                ctx.fireChannelInactive();
            }
        }

        /** Sees decoded requests and body ends inbound, response ends outbound. */
        private final class Messages extends ChannelDuplexHandler {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest request) {
                    unanswered++;
                    if (waitingFor == Phase.HEADER) {
                        cancel();
                    }
                    if (hasBody(request) && !(msg instanceof LastHttpContent)) {
                        readingBody = true;
                        arm(Phase.BODY, bodyNanos);
                    }
                } else if (msg instanceof LastHttpContent && readingBody) {
                    readingBody = false;
                    if (waitingFor == Phase.BODY) {
                        cancel();
                    }
                    maybeIdle();
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                boolean informational = msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL;
                if (msg instanceof LastHttpContent && !informational) {
                    ChannelPromise sent = promise.unvoid();
                    sent.addListener(f -> {
                        if (unanswered > 0) {
                            unanswered--;
                        }
                        if (f.isSuccess() && ctx.channel().isActive()) {
                            maybeIdle();
                        }
                    });
                    ctx.write(msg, sent);
                } else {
                    ctx.write(msg, promise);
                }
            }
        }

        private static boolean hasBody(HttpRequest request) {
            if (HttpUtil.isTransferEncodingChunked(request)) {
                return true;
            }
            try {
                return HttpUtil.getContentLength(request, 0L) > 0;
            } catch (NumberFormatException e) { // the decoder refuses it; Vert.x answers 400
                return false;
            }
        }
    }
}
