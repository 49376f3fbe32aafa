package dev.amphi.ingest.rtmp.chunk;

import dev.amphi.ingest.rtmp.message.RtmpMessage;
import io.netty.buffer.ByteBuf;

/**
 * {@link RtmpMessage}s → chunks: a type-0 header on the first chunk, type-3 headers on the
 * continuation chunks (with the extended timestamp repeated when used), split at the chunk size in
 * force. Never releases the message. Not thread-safe: one per connection.
 */
public final class ChunkEncoder {

    private int chunkSize = ChunkDecoder.DEFAULT_CHUNK_SIZE;

    public int chunkSize() {
        return chunkSize;
    }

    /** Our chunk size: call right after writing the Set Chunk Size message that announces it. */
    public void setChunkSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be positive, was " + size);
        }
        chunkSize = size;
    }

    /** Upper bound of the bytes {@link #encode} writes for {@code message}. */
    public int maxEncodedSize(RtmpMessage message) {
        int len = message.payload().readableBytes();
        int chunks = Math.max(1, (len + chunkSize - 1) / chunkSize);
        return 3 + 11 + 4 + len + (chunks - 1) * (3 + 4);
    }

    public void encode(RtmpMessage message, ByteBuf out) {
        ByteBuf payload = message.payload();
        int length = payload.readableBytes();
        if (length > 0xFFFFFF) {
            throw new IllegalArgumentException("message of " + length + " bytes does not fit a 24-bit length");
        }
        long ts = message.timestamp();
        boolean extended = ts >= 0xFFFFFF;
        int csid = message.chunkStreamId();
        basicHeader(out, 0, csid);
        out.writeMedium(extended ? 0xFFFFFF : (int) ts);
        out.writeMedium(length);
        out.writeByte(message.typeId());
        out.writeIntLE(message.streamId());
        if (extended) {
            out.writeInt((int) ts);
        }
        int index = payload.readerIndex();
        int left = length;
        boolean firstChunk = true;
        while (left > 0 || firstChunk) {
            if (!firstChunk) {
                basicHeader(out, 3, csid);
                if (extended) {
                    out.writeInt((int) ts);
                }
            }
            int n = Math.min(chunkSize, left);
            out.writeBytes(payload, index, n);
            index += n;
            left -= n;
            firstChunk = false;
        }
    }

    static void basicHeader(ByteBuf out, int format, int csid) {
        if (csid < 2 || csid > 65599) {
            throw new IllegalArgumentException("chunk stream id must be in 2..65599, was " + csid);
        }
        if (csid < 64) {
            out.writeByte((format << 6) | csid);
        } else if (csid < 320) {
            out.writeByte(format << 6).writeByte(csid - 64);
        } else {
            int v = csid - 64;
            out.writeByte((format << 6) | 1).writeByte(v & 0xff).writeByte(v >>> 8);
        }
    }
}
