package dev.amphi.ingest.rtmp.chunk;

import dev.amphi.ingest.rtmp.message.MessageType;
import dev.amphi.ingest.rtmp.message.ProtocolControl;
import dev.amphi.ingest.rtmp.message.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * The inbound chunk layer in a pipeline: {@link ChunkDecoder} then {@link MessageAssembler}. It
 * applies the protocol control messages that change how the following bytes are read, right
 * where they arrive: Set Chunk Size, Abort, and Window Acknowledgement Size (after which an
 * Acknowledgement is sent every window of received bytes). Every other message goes up the
 * pipeline as an {@link RtmpMessage}. After a decoding error the rest of the input is discarded
 * (the connection is being closed).
 */
public final class ChunkStreamDecoder extends ByteToMessageDecoder {

    private final ChunkDecoder decoder;
    private final int maxMessageSize;
    private MessageAssembler assembler;
    private boolean failed;
    private long bytesIn;
    private long lastAck;
    private long peerWindow;

    public ChunkStreamDecoder(int maxMessageSize, int maxChunkSize) {
        this.decoder = new ChunkDecoder(maxMessageSize, maxChunkSize);
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        assembler = new MessageAssembler(ctx.alloc(), maxMessageSize);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf b) {
            bytesIn += b.readableBytes();
        }
        super.channelRead(ctx, msg);
        if (peerWindow > 0 && bytesIn - lastAck >= peerWindow && !failed) {
            lastAck = bytesIn;
            ctx.writeAndFlush(ProtocolControl.acknowledgement(ctx.alloc(), bytesIn & 0xFFFFFFFFL));
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            Chunk chunk;
            while ((chunk = decoder.decode(in)) != null) {
                RtmpMessage m = assembler.accept(chunk);
                if (m != null && !control(m)) {
                    out.add(m);
                }
            }
        } catch (RuntimeException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    /** Handles the chunk-layer control messages; true when {@code m} was consumed. */
    private boolean control(RtmpMessage m) {
        if (m.streamId() != 0 && m.typeId() <= MessageType.WINDOW_ACK_SIZE) {
            // control messages belong to message stream 0; anything else is left to the command layer
            return false;
        }
        try {
            switch (m.typeId()) {
                case MessageType.SET_CHUNK_SIZE -> decoder.setChunkSize(ProtocolControl.readU32(m));
                case MessageType.ABORT -> {
                    long csid = ProtocolControl.readU32(m);
                    decoder.abort(csid);
                    assembler.abort(csid);
                }
                case MessageType.WINDOW_ACK_SIZE -> peerWindow = ProtocolControl.readU32(m);
                default -> {
                    return false;
                }
            }
            return true;
        } finally {
            if (m.typeId() == MessageType.SET_CHUNK_SIZE || m.typeId() == MessageType.ABORT
                    || m.typeId() == MessageType.WINDOW_ACK_SIZE) {
                m.release();
            }
        }
    }

    /** Bytes received by this handler so far. */
    public long bytesIn() {
        return bytesIn;
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (assembler != null) {
            assembler.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        super.channelInactive(ctx);
        if (assembler != null) {
            assembler.close();
        }
    }
}
