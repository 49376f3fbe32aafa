package dev.amphi.ingest.rtmp.command;

import dev.amphi.ingest.PublishDecision;
import dev.amphi.ingest.PublishRequest;
import dev.amphi.ingest.rtmp.RtmpListener.Refusal;
import dev.amphi.ingest.rtmp.amf.Amf0;
import dev.amphi.ingest.rtmp.flv.UnsupportedCodecException;
import dev.amphi.ingest.rtmp.handshake.HandshakeCompleted;
import dev.amphi.ingest.rtmp.message.MessageType;
import dev.amphi.ingest.rtmp.message.ProtocolControl;
import dev.amphi.ingest.rtmp.message.RtmpMessage;
import dev.amphi.ingest.rtmp.publish.PublishRegistry;
import dev.amphi.ingest.rtmp.publish.PublishSession;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NetConnection/NetStream command layer of one connection (RTMP spec 7.2) and its publish
 * session. Answers {@code connect}, {@code createStream}, {@code FCPublish}, {@code publish} (asking
 * the authorizer), ends publishing on {@code FCUnpublish}/{@code deleteStream}/{@code closeStream}
 * or when the connection closes, answers Ping Requests, and hands audio/video to the session.
 *
 * <p>Message policy: protocol control and shared-object/aggregate messages that a publisher never
 * needs are ignored (debug log); a message type the RTMP spec does not define is hostile and closes
 * the connection; a command that must not come yet ({@code publish} before {@code connect}) gets an
 * error status and closes the connection. Unknown commands with a transaction id get {@code _error}.
 *
 * <p>{@code publish} asks the authorizer, whose answer may come later from another thread: the
 * connection is answered when it arrives, back on its event loop (a connection closed meanwhile
 * gives an accepted sink its {@code onEnd} at once). An address with too many failed attempts
 * lately is refused without asking ({@link FailedPublishThrottle}). Stream keys are never logged
 * nor sent back.
 *
 * <p>Deadlines (no byte that is not audio or video keeps a connection): after the handshake the
 * connection must start publishing within the publish timeout, and while publishing it must send
 * an audio or video message at least once per media timeout; otherwise a {@link DeadlineExpired}
 * event goes down the pipeline, whose last handler closes the connection.
 *
 * <p>Threads: the connection's event loop, except that the authorizer may complete its decision
 * on any thread (it is handed back to the event loop).
 */
public final class CommandHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(CommandHandler.class);

    /** Chunk size we announce with Set Chunk Size right after {@code connect}. */
    public static final int OUR_CHUNK_SIZE = 4096;
    /** Window acknowledgement size and peer bandwidth we announce. */
    public static final int WINDOW = 2_500_000;
    private static final int MAX_STREAMS = 8;

    private final IngestContext context;
    private final boolean secure;
    private String app;
    private int nextStreamId = 1;
    private final Set<Integer> streams = new HashSet<>();
    private PublishSession session;
    private boolean deciding;
    private int publishStreamId;
    private long ignoredMedia;
    private ConnectionDeadline deadline;

    public CommandHandler(IngestContext context, boolean secure) {
        this.context = context;
        this.secure = secure;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = new ConnectionDeadline(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof HandshakeCompleted) {
            awaitPublish();
        }
        super.userEventTriggered(ctx, evt);
    }

    private void awaitPublish() {
        deadline.set(System.nanoTime() + context.publishTimeout().toNanos(),
                "did not start publishing within " + context.publishTimeout().toMillis() + " ms");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof RtmpMessage m)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            switch (m.typeId()) {
                case MessageType.AUDIO, MessageType.VIDEO -> media(ctx, m);
                case MessageType.COMMAND_AMF0 -> command(ctx, m, Amf0.decodeAll(m.payload()));
                case MessageType.COMMAND_AMF3 -> command(ctx, m, Amf0.decodeAll(skipAmf3Marker(m.payload())));
                case MessageType.DATA_AMF0 -> data(Amf0.decodeAll(m.payload()));
                case MessageType.DATA_AMF3 -> data(Amf0.decodeAll(skipAmf3Marker(m.payload())));
                case MessageType.USER_CONTROL -> userControl(ctx, m.payload());
                default -> {
                    if (!MessageType.isDefined(m.typeId())) {
                        throw new CorruptedFrameException("unknown message type " + m.typeId());
                    }
                    LOG.debug("{}: ignoring {}", ctx.channel().remoteAddress(), m);
                }
            }
        } finally {
            m.release();
        }
    }

    private static ByteBuf skipAmf3Marker(ByteBuf b) {
        // AMF3 command/data messages start with a format byte (0) and then use AMF0 values
        if (b.isReadable() && b.getByte(b.readerIndex()) == 0) {
            b.skipBytes(1);
        }
        return b;
    }

    private void media(ChannelHandlerContext ctx, RtmpMessage m) {
        if (session == null || !session.active()) {
            if (ignoredMedia++ == 0) {
                LOG.debug("{}: ignoring media before publishing started", ctx.channel().remoteAddress());
            }
            return;
        }
        deadline.extend(System.nanoTime() + context.mediaTimeout().toNanos());
        try {
            session.onMedia(m.typeId(), m.timestamp(), m.payload());
        } catch (UnsupportedCodecException e) {
            String text = e.getMessage();
            ctx.writeAndFlush(Commands.onStatus(ctx.alloc(), publishStreamId, "error", "NetStream.Publish.Rejected", text))
                    .addListener(ChannelFutureListener.CLOSE);
            LOG.warn("RTMP {} refused: {}", ctx.channel().remoteAddress(), text);
            context.listener().protocolError("unsupported codec " + e.codec());
            endSession(e.getMessage());
        }
    }

    private void userControl(ChannelHandlerContext ctx, ByteBuf p) {
        if (p.readableBytes() < 2) {
            throw new CorruptedFrameException("user control message of " + p.readableBytes() + " bytes");
        }
        int event = p.readUnsignedShort();
        if (event == ProtocolControl.EVENT_PING_REQUEST) {
            if (p.readableBytes() < 4) {
                throw new CorruptedFrameException("truncated ping request");
            }
            ctx.writeAndFlush(ProtocolControl.userControl(ctx.alloc(), ProtocolControl.EVENT_PING_RESPONSE, p.readInt()));
        }
    }

    private void data(List<Object> values) {
        if (values.isEmpty() || session == null) {
            return;
        }
        Object first = values.get(0);
        if ("@setDataFrame".equals(first) && values.size() >= 3) {
            session.onMetaData(values.get(2));
        } else if ("onMetaData".equals(first) && values.size() >= 2) {
            session.onMetaData(values.get(1));
        }
    }

    private void command(ChannelHandlerContext ctx, RtmpMessage m, List<Object> v) {
        if (v.isEmpty() || !(v.get(0) instanceof String name)) {
            throw new CorruptedFrameException("command message without a command name");
        }
        double txn = v.size() > 1 && v.get(1) instanceof Number n ? n.doubleValue() : 0;
        switch (name) {
            case "connect" -> connect(ctx, txn, v.size() > 2 ? v.get(2) : null);
            case "releaseStream", "_checkbw", "getStreamLength", "_result", "_error", "onBWDone" ->
                LOG.debug("{}: {}", ctx.channel().remoteAddress(), name);
            case "FCPublish" -> {
                requireConnected(ctx, name);
                // the argument is the stream key: never echoed
                ctx.writeAndFlush(Commands.command(ctx.alloc(), Commands.CONNECTION_CHUNK_STREAM, 0, "onFCPublish", 0.0,
                        null, Commands.status("status", "NetStream.Publish.Start", "FCPublish received.")));
            }
            case "createStream" -> createStream(ctx, txn);
            case "publish" -> publish(ctx, m.streamId(), arg(v, 3));
            case "FCUnpublish", "closeStream", "deleteStream" -> unpublish(ctx, name);
            case "play", "play2" -> {
                ctx.writeAndFlush(Commands.onStatus(ctx.alloc(), m.streamId(), "error", "NetStream.Play.Failed",
                        "Amphi ingest does not play streams")).addListener(ChannelFutureListener.CLOSE);
            }
            default -> {
                LOG.debug("{}: unknown command {}", ctx.channel().remoteAddress(), ClientText.printable(name));
                if (txn > 0) {
                    ctx.writeAndFlush(Commands.error(ctx.alloc(), txn, "NetConnection.Call.Failed",
                            "unknown command " + ClientText.printable(name)));
                }
            }
        }
    }

    private static Object arg(List<Object> v, int index) {
        return v.size() > index ? v.get(index) : null;
    }

    private void connect(ChannelHandlerContext ctx, double txn, Object commandObject) {
        if (app != null) {
            throw new CorruptedFrameException("second connect on one connection");
        }
        Object a = commandObject instanceof Map<?, ?> map ? map.get("app") : null;
        app = ClientText.stripQuery(a instanceof String s ? s : "");
        while (app.endsWith("/")) {
            app = app.substring(0, app.length() - 1);
        }
        ctx.write(ProtocolControl.windowAckSize(ctx.alloc(), WINDOW));
        ctx.write(ProtocolControl.setPeerBandwidth(ctx.alloc(), WINDOW, ProtocolControl.LIMIT_DYNAMIC));
        ctx.write(ProtocolControl.setChunkSize(ctx.alloc(), OUR_CHUNK_SIZE));
        Map<String, Object> info = Commands.status("status", "NetConnection.Connect.Success", "Connection succeeded.");
        info.put("objectEncoding", 0.0);
        ctx.writeAndFlush(Commands.result(ctx.alloc(), txn,
                Amf0.object("fmsVer", "FMS/3,0,1,123", "capabilities", 31.0), info));
    }

    private void requireConnected(ChannelHandlerContext ctx, String command) {
        if (app == null) {
            ctx.writeAndFlush(Commands.onStatus(ctx.alloc(), 0, "error", "NetConnection.Call.Failed",
                    command + " before connect"));
            throw new CorruptedFrameException(command + " before connect");
        }
    }

    private void createStream(ChannelHandlerContext ctx, double txn) {
        requireConnected(ctx, "createStream");
        if (streams.size() >= MAX_STREAMS) {
            throw new CorruptedFrameException("more than " + MAX_STREAMS + " createStream calls");
        }
        int id = nextStreamId++;
        streams.add(id);
        ctx.writeAndFlush(Commands.result(ctx.alloc(), txn, null, (double) id));
    }

    private void publish(ChannelHandlerContext ctx, int streamId, Object nameArg) {
        requireConnected(ctx, "publish");
        if (!streams.contains(streamId)) {
            throw new CorruptedFrameException("publish on message stream " + streamId + " that was never created");
        }
        if (session != null || deciding) {
            throw new CorruptedFrameException("second publish on one connection");
        }
        String publishName = nameArg instanceof String s ? s : "";
        String key = ClientText.stripQuery(publishName);
        String query = publishName.length() > key.length() ? publishName.substring(key.length() + 1) : "";
        if (key.isEmpty()) {
            badName(ctx, streamId, "empty stream key");
            return;
        }
        PublishRequest request = new PublishRequest(app, key, remote(ctx), secure, query);
        long wait = context.throttle().retryAfterNanos(address(request));
        if (wait > 0) {
            context.listener().publishRefused(Refusal.THROTTLED);
            LOG.debug("RTMP {} publish refused: too many failed attempts", request.remote());
            refuse(ctx, streamId, "NetStream.Publish.Rejected", "too many failed publish attempts from this address; try again in "
                    + Math.max(1, (wait + 999_999_999L) / 1_000_000_000L) + " s");
            return;
        }
        deciding = true;
        AuthorizerCall.ask(ctx, context.authorizer(), request, (decision, failure) -> decided(ctx, streamId, request, decision, failure));
    }

    /** The authorizer's answer to {@code request}, on the event loop. */
    private void decided(ChannelHandlerContext ctx, int streamId, PublishRequest request, PublishDecision decision,
                         Throwable failure) {
        deciding = false;
        if (!ctx.channel().isActive()) {
            AuthorizerCall.release(decision);
            return;
        }
        if (failure != null || decision == null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            String why = cause == null ? "no decision" : ClientText.printable(String.valueOf(cause));
            LOG.warn("RTMP {} publish refused: the authorizer failed: {}", request.remote(), why);
            if (cause != null) {
                LOG.debug("authorizer failure", cause);
            }
            context.listener().publishRefused(Refusal.FAILED);
            refuse(ctx, streamId, "NetStream.Publish.Failed", "the server could not decide on this publisher; try again later");
            return;
        }
        if (decision instanceof PublishDecision.Reject r) {
            if (r.failedAttempt()) {
                context.throttle().failed(address(request));
            }
            context.listener().publishRefused(r.failedAttempt() ? Refusal.WRONG_KEY : Refusal.REFUSED);
            // stream keys are secrets: never logged
            LOG.info("RTMP {} publish refused (app {}): {}", request.remote(), ClientText.firstSegment(app),
                    ClientText.printable(r.reason()));
            if (r.notAdmitted()) {
                refuse(ctx, streamId, "NetStream.Publish.Rejected", r.reason());
            } else {
                badName(ctx, streamId, r.reason());
            }
            return;
        }
        PublishDecision.Accept accept = (PublishDecision.Accept) decision;
        publishStreamId = streamId;
        PublishSession s = new PublishSession(request, accept.streamName(), accept.sink(), ctx.executor(),
                context.authorizer(), context.registry(), context.listener(), reason -> {
                    if (ctx.channel().isActive()) {
                        ctx.writeAndFlush(Commands.onStatus(ctx.alloc(), streamId, "status",
                                "NetStream.Unpublish.Success", reason)).addListener(ChannelFutureListener.CLOSE);
                    }
                });
        PublishRegistry.Claim claim = context.registry().claim(s, context.takeOver());
        if (claim instanceof PublishRegistry.Claim.Refused) {
            // not registered, so ending it only gives its sink onEnd
            s.end("refused: stream already live");
            context.listener().publishRefused(Refusal.REFUSED);
            LOG.info("RTMP {} publish refused: {} is already live", request.remote(), accept.streamName());
            badName(ctx, streamId, "stream " + accept.streamName() + " is already being published");
            return;
        }
        session = s;
        if (claim instanceof PublishRegistry.Claim.TookOver t) {
            LOG.info("RTMP {} takes over {} from {}", request.remote(), accept.streamName(), t.previous().request().remote());
            t.previous().kick("taken over by a new publisher").addListener(f -> ctx.executor().execute(() -> start(ctx, s)));
        } else {
            start(ctx, s);
        }
    }

    private static InetAddress address(PublishRequest request) {
        return request.remote() == null ? null : request.remote().getAddress();
    }

    private void start(ChannelHandlerContext ctx, PublishSession s) {
        if (!ctx.channel().isActive() || !s.activate()) {
            s.end("connection closed before publishing started");
            return;
        }
        deadline.set(System.nanoTime() + context.mediaTimeout().toNanos(),
                "no audio or video for " + context.mediaTimeout().toMillis() + " ms while publishing");
        ctx.write(ProtocolControl.userControl(ctx.alloc(), ProtocolControl.EVENT_STREAM_BEGIN, publishStreamId));
        // the stream name, not the key: keys are never sent back
        ctx.writeAndFlush(Commands.onStatus(ctx.alloc(), publishStreamId, "status", "NetStream.Publish.Start",
                s.streamName() + " is now published."));
    }

    private void badName(ChannelHandlerContext ctx, int streamId, String reason) {
        refuse(ctx, streamId, "NetStream.Publish.BadName", reason);
    }

    private void refuse(ChannelHandlerContext ctx, int streamId, String code, String reason) {
        ctx.writeAndFlush(Commands.onStatus(ctx.alloc(), streamId, "error", code, reason))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void unpublish(ChannelHandlerContext ctx, String command) {
        if (session == null || session.finished()) {
            return;
        }
        endSession(command);
        awaitPublish(); // one publish per connection: it has nothing left to do but close
        ctx.writeAndFlush(Commands.onStatus(ctx.alloc(), publishStreamId, "status", "NetStream.Unpublish.Success",
                "unpublished"));
    }

    private void endSession(String reason) {
        if (session != null) {
            session.end(reason);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        deadline.cancel();
        endSession("connection closed");
        super.channelInactive(ctx);
    }

    private static InetSocketAddress remote(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
    }
}
