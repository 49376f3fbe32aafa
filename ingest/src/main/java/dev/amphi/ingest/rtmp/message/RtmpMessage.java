package dev.amphi.ingest.rtmp.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One RTMP message (RTMP spec 5.4): a header and a payload that this object owns (release it, or
 * pass it on). Inbound messages come out of the chunk layer; outbound ones go into it.
 */
public final class RtmpMessage extends DefaultByteBufHolder {

    private final int chunkStreamId;
    private final int typeId;
    private final long timestamp;
    private final int streamId;

    /**
     * @param chunkStreamId chunk stream it travels on (2 for protocol control; 3..65599)
     * @param typeId        message type, see {@link MessageType}
     * @param timestamp     RTMP timestamp in milliseconds, 32 bits (0..2^32-1)
     * @param streamId      message stream id (0 for the NetConnection)
     * @param payload       the payload; ownership passes to this message
     */
    public RtmpMessage(int chunkStreamId, int typeId, long timestamp, int streamId, ByteBuf payload) {
        super(payload);
        if (chunkStreamId < 2 || chunkStreamId > 65599) {
            throw new IllegalArgumentException("chunk stream id must be in 2..65599, was " + chunkStreamId);
        }
        if (typeId < 0 || typeId > 255) {
            throw new IllegalArgumentException("message type must be in 0..255, was " + typeId);
        }
        if (timestamp < 0 || timestamp > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("timestamp must be a 32-bit unsigned value, was " + timestamp);
        }
        this.chunkStreamId = chunkStreamId;
        this.typeId = typeId;
        this.timestamp = timestamp;
        this.streamId = streamId;
    }

    public int chunkStreamId() {
        return chunkStreamId;
    }

    public int typeId() {
        return typeId;
    }

    /** Milliseconds, 32-bit unsigned (wraps after about 49.7 days). */
    public long timestamp() {
        return timestamp;
    }

    public int streamId() {
        return streamId;
    }

    public ByteBuf payload() {
        return content();
    }

    @Override
    public RtmpMessage replace(ByteBuf content) {
        return new RtmpMessage(chunkStreamId, typeId, timestamp, streamId, content);
    }

    @Override
    public RtmpMessage retain() {
        super.retain();
        return this;
    }

    @Override
    public RtmpMessage touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "RtmpMessage[" + MessageType.name(typeId) + " csid=" + chunkStreamId + " ts=" + timestamp
                + " stream=" + streamId + " " + content().readableBytes() + " bytes]";
    }
}
