package dev.amphi.ingest.rtmp.chunk;

import dev.amphi.ingest.rtmp.message.MessageType;
import dev.amphi.ingest.rtmp.message.ProtocolControl;
import dev.amphi.ingest.rtmp.message.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * The outbound chunk layer in a pipeline: {@link RtmpMessage}s → chunks with {@link ChunkEncoder}.
 * When a Set Chunk Size message goes out, the new size applies to every later message.
 */
public final class ChunkStreamEncoder extends MessageToByteEncoder<RtmpMessage> {

    private final ChunkEncoder encoder = new ChunkEncoder();

    public ChunkStreamEncoder() {
        super(RtmpMessage.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, RtmpMessage msg, boolean preferDirect) {
        return ctx.alloc().ioBuffer(encoder.maxEncodedSize(msg));
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RtmpMessage msg, ByteBuf out) {
        encoder.encode(msg, out);
        if (msg.typeId() == MessageType.SET_CHUNK_SIZE && msg.streamId() == 0) {
            encoder.setChunkSize((int) ProtocolControl.readU32(msg));
        }
    }
}
