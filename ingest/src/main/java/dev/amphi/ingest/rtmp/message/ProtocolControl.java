package dev.amphi.ingest.rtmp.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.CorruptedFrameException;

/**
 * Protocol control messages (RTMP spec 5.4) and user control events (7.1.7): builders for what the
 * server sends and readers for what it receives. All travel on chunk stream 2, message stream 0.
 */
public final class ProtocolControl {

    /** Chunk stream id reserved for protocol control messages. */
    public static final int CHUNK_STREAM = 2;

    public static final int EVENT_STREAM_BEGIN = 0;
    public static final int EVENT_STREAM_EOF = 1;
    public static final int EVENT_PING_REQUEST = 6;
    public static final int EVENT_PING_RESPONSE = 7;

    /** Set Peer Bandwidth limit type "dynamic". */
    public static final int LIMIT_DYNAMIC = 2;

    private ProtocolControl() {
    }

    public static RtmpMessage setChunkSize(ByteBufAllocator alloc, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be positive, was " + size);
        }
        return u32(alloc, MessageType.SET_CHUNK_SIZE, size);
    }

    public static RtmpMessage acknowledgement(ByteBufAllocator alloc, long sequenceNumber) {
        return u32(alloc, MessageType.ACKNOWLEDGEMENT, (int) sequenceNumber);
    }

    public static RtmpMessage windowAckSize(ByteBufAllocator alloc, int size) {
        return u32(alloc, MessageType.WINDOW_ACK_SIZE, size);
    }

    public static RtmpMessage setPeerBandwidth(ByteBufAllocator alloc, int size, int limitType) {
        ByteBuf b = alloc.buffer(5).writeInt(size).writeByte(limitType);
        return new RtmpMessage(CHUNK_STREAM, MessageType.SET_PEER_BANDWIDTH, 0, 0, b);
    }

    public static RtmpMessage userControl(ByteBufAllocator alloc, int event, int value) {
        ByteBuf b = alloc.buffer(6).writeShort(event).writeInt(value);
        return new RtmpMessage(CHUNK_STREAM, MessageType.USER_CONTROL, 0, 0, b);
    }

    private static RtmpMessage u32(ByteBufAllocator alloc, int type, int value) {
        return new RtmpMessage(CHUNK_STREAM, type, 0, 0, alloc.buffer(4).writeInt(value));
    }

    /** Reads the 32-bit value of Set Chunk Size, Abort, Acknowledgement or Window Ack Size. */
    public static long readU32(RtmpMessage m) {
        ByteBuf p = m.payload();
        if (p.readableBytes() < 4) {
            throw new CorruptedFrameException(MessageType.name(m.typeId()) + " message of "
                    + p.readableBytes() + " bytes, expected 4");
        }
        return p.getUnsignedInt(p.readerIndex());
    }
}
