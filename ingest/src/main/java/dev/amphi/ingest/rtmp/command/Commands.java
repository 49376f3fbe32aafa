package dev.amphi.ingest.rtmp.command;

import dev.amphi.ingest.rtmp.amf.Amf0;
import dev.amphi.ingest.rtmp.message.MessageType;
import dev.amphi.ingest.rtmp.message.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Map;

/** Builders for the AMF0 command messages the server sends (RTMP spec 7.2). */
public final class Commands {

    /** Chunk stream for NetConnection commands. */
    public static final int CONNECTION_CHUNK_STREAM = 3;
    /** Chunk stream for NetStream status messages. */
    public static final int STREAM_CHUNK_STREAM = 5;

    private Commands() {
    }

    public static RtmpMessage command(ByteBufAllocator alloc, int chunkStreamId, int streamId, Object... values) {
        ByteBuf b = alloc.buffer();
        try {
            Amf0.encodeAll(b, values);
        } catch (RuntimeException e) {
            b.release();
            throw e;
        }
        return new RtmpMessage(chunkStreamId, MessageType.COMMAND_AMF0, 0, streamId, b);
    }

    /** {@code _result(transactionId, properties, information)} on the NetConnection. */
    public static RtmpMessage result(ByteBufAllocator alloc, double txn, Object properties, Object information) {
        return command(alloc, CONNECTION_CHUNK_STREAM, 0, "_result", txn, properties, information);
    }

    /** {@code _error(transactionId, null, information)} on the NetConnection. */
    public static RtmpMessage error(ByteBufAllocator alloc, double txn, String code, String description) {
        return command(alloc, CONNECTION_CHUNK_STREAM, 0, "_error", txn, null, status("error", code, description));
    }

    /** {@code onStatus(0, null, {level, code, description})} on message stream {@code streamId}. */
    public static RtmpMessage onStatus(ByteBufAllocator alloc, int streamId, String level, String code, String description) {
        return command(alloc, STREAM_CHUNK_STREAM, streamId, "onStatus", 0.0, null, status(level, code, description));
    }

    public static Map<String, Object> status(String level, String code, String description) {
        return Amf0.object("level", level, "code", code, "description", description);
    }
}
