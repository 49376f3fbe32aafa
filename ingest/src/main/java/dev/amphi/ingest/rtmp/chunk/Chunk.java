package dev.amphi.ingest.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One decoded chunk (RTMP spec 5.3): the header fields of the message it belongs to, resolved
 * against the chunk stream's previous headers, and this chunk's slice of the payload (owned by
 * this object).
 */
public final class Chunk extends DefaultByteBufHolder {

    private final int format;
    private final int chunkStreamId;
    private final long timestamp;
    private final int messageLength;
    private final int typeId;
    private final int streamId;
    private final boolean first;
    private final boolean last;

    Chunk(int format, int chunkStreamId, long timestamp, int messageLength, int typeId, int streamId,
          boolean first, boolean last, ByteBuf payload) {
        super(payload);
        this.format = format;
        this.chunkStreamId = chunkStreamId;
        this.timestamp = timestamp;
        this.messageLength = messageLength;
        this.typeId = typeId;
        this.streamId = streamId;
        this.first = first;
        this.last = last;
    }

    /** Header format (chunk type) 0..3 as it was on the wire. */
    public int format() {
        return format;
    }

    public int chunkStreamId() {
        return chunkStreamId;
    }

    /** The message's absolute timestamp in ms, 32-bit unsigned, deltas already applied. */
    public long timestamp() {
        return timestamp;
    }

    public int messageLength() {
        return messageLength;
    }

    public int typeId() {
        return typeId;
    }

    public int streamId() {
        return streamId;
    }

    /** True for the first chunk of a message. */
    public boolean first() {
        return first;
    }

    /** True for the chunk that completes its message. */
    public boolean last() {
        return last;
    }

    @Override
    public String toString() {
        return "Chunk[fmt=" + format + " csid=" + chunkStreamId + " ts=" + timestamp + " len=" + messageLength
                + " type=" + typeId + " stream=" + streamId + (first ? " first" : "") + (last ? " last" : "")
                + " " + content().readableBytes() + " bytes]";
    }
}
