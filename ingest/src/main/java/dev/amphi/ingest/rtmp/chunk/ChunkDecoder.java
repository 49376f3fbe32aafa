package dev.amphi.ingest.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.HashMap;
import java.util.Map;

/**
 * Bytes → {@link Chunk}s (RTMP spec 5.3.1): basic headers of 1, 2 or 3 bytes, message headers of
 * types 0–3 resolved against the per-chunk-stream state, extended timestamps (also on type-3
 * chunks when the stream's last header had one, as the spec and FFmpeg/librtmp do), and the
 * chunk size in force. Chunks of different chunk streams may interleave.
 *
 * <p>Timestamp rules (as FFmpeg reads them): a type-0 header sets the absolute timestamp and its
 * value becomes the stream's "delta"; types 1 and 2 add their delta; a type-3 chunk that starts
 * a new message adds the previous delta again; a type-3 continuation chunk changes nothing.
 * Timestamps are 32-bit and wrap; unwrapping is the media layer's job.
 *
 * <p>Not thread-safe: one instance per connection, used on its event loop. Errors are
 * {@link CorruptedFrameException} (bad header sequence) or {@link TooLongFrameException} (a message
 * or chunk size above the limits).
 */
public final class ChunkDecoder {

    /** The chunk size until the peer sends Set Chunk Size (RTMP spec 5.4.1). */
    public static final int DEFAULT_CHUNK_SIZE = 128;
    /** Distinct chunk streams one connection may use; real clients use fewer than ten. */
    public static final int MAX_CHUNK_STREAMS = 64;

    private static final int[] MESSAGE_HEADER_SIZE = {11, 7, 3, 0};

    private final int maxMessageSize;
    private final int maxChunkSize;
    private final Map<Integer, StreamState> streams = new HashMap<>();
    private int chunkSize = DEFAULT_CHUNK_SIZE;

    private static final class StreamState {
        long timestamp;
        long delta;
        int length;
        int typeId;
        int streamId;
        boolean extended;
        /** Payload bytes still missing from the message in progress; 0 when none is. */
        int remaining;
    }

    /**
     * @param maxMessageSize largest message length a header may declare
     * @param maxChunkSize   largest chunk size the peer may set
     */
    public ChunkDecoder(int maxMessageSize, int maxChunkSize) {
        if (maxMessageSize < 1) {
            throw new IllegalArgumentException("maxMessageSize must be positive, was " + maxMessageSize);
        }
        if (maxChunkSize < DEFAULT_CHUNK_SIZE) {
            throw new IllegalArgumentException("maxChunkSize must be at least " + DEFAULT_CHUNK_SIZE + ", was " + maxChunkSize);
        }
        this.maxMessageSize = maxMessageSize;
        this.maxChunkSize = maxChunkSize;
    }

    public int chunkSize() {
        return chunkSize;
    }

    /** Applies a Set Chunk Size from the peer. */
    public void setChunkSize(long size) {
        if (size < 1 || size > 0x7FFFFFFFL) {
            throw new CorruptedFrameException("invalid Set Chunk Size " + size);
        }
        if (size > maxChunkSize) {
            throw new TooLongFrameException("peer chunk size " + size + " exceeds the limit of " + maxChunkSize);
        }
        chunkSize = (int) size;
    }

    /** Applies an Abort message: the message in progress on {@code chunkStreamId} is discarded. */
    public void abort(long chunkStreamId) {
        StreamState s = streams.get((int) chunkStreamId);
        if (s != null) {
            s.remaining = 0;
        }
    }

    /**
     * Decodes one chunk if {@code in} holds all of it; otherwise consumes nothing and returns null.
     */
    public Chunk decode(ByteBuf in) {
        int start = in.readerIndex();
        int readable = in.readableBytes();
        if (readable < 1) {
            return null;
        }
        int b0 = in.getUnsignedByte(start);
        int format = b0 >>> 6;
        int csid = b0 & 0x3f;
        int pos = start + 1;
        if (csid == 0) {
            if (readable < 2) {
                return null;
            }
            csid = 64 + in.getUnsignedByte(pos);
            pos += 1;
        } else if (csid == 1) {
            if (readable < 3) {
                return null;
            }
            csid = 64 + in.getUnsignedByte(pos) + (in.getUnsignedByte(pos + 1) << 8);
            pos += 2;
        }
        StreamState state = streams.get(csid);
        if (state == null && format != 0) {
            throw new CorruptedFrameException("chunk stream " + csid + " starts with a type-" + format
                    + " header, expected type 0");
        }
        if (state != null && format != 3 && state.remaining > 0) {
            throw new CorruptedFrameException("type-" + format + " header on chunk stream " + csid
                    + " while its message still lacks " + state.remaining + " bytes");
        }
        int headerSize = MESSAGE_HEADER_SIZE[format];
        if (in.writerIndex() - pos < headerSize) {
            return null;
        }
        long tsField = 0;
        int length = state == null ? 0 : state.length;
        int typeId = state == null ? 0 : state.typeId;
        int streamId = state == null ? 0 : state.streamId;
        if (format <= 2) {
            tsField = in.getUnsignedMedium(pos);
        }
        if (format <= 1) {
            length = in.getUnsignedMedium(pos + 3);
            typeId = in.getUnsignedByte(pos + 6);
        }
        if (format == 0) {
            streamId = in.getIntLE(pos + 7);
        }
        pos += headerSize;
        boolean extended = format <= 2 ? tsField == 0xFFFFFF : state.extended;
        long extendedValue = 0;
        if (extended) {
            if (in.writerIndex() - pos < 4) {
                return null;
            }
            extendedValue = in.getUnsignedInt(pos);
            pos += 4;
        }
        boolean first = format <= 2 || state.remaining == 0;
        if (first && length > maxMessageSize) {
            throw new TooLongFrameException("message of " + length + " bytes on chunk stream " + csid
                    + " exceeds the limit of " + maxMessageSize);
        }
        int remaining = first ? length : state.remaining;
        int payloadSize = Math.min(chunkSize, remaining);
        if (in.writerIndex() - pos < payloadSize) {
            return null;
        }
        if (state == null) {
            if (streams.size() >= MAX_CHUNK_STREAMS) {
                throw new CorruptedFrameException("more than " + MAX_CHUNK_STREAMS + " chunk streams in use");
            }
            state = new StreamState();
            streams.put(csid, state);
        }
        long tsValue = extended && format <= 2 ? extendedValue : tsField;
        switch (format) {
            case 0 -> {
                state.timestamp = tsValue;
                state.delta = tsValue;
                state.streamId = streamId;
            }
            case 1, 2 -> {
                state.delta = tsValue;
                state.timestamp = (state.timestamp + tsValue) & 0xFFFFFFFFL;
            }
            default -> {
                if (first) {
                    state.timestamp = (state.timestamp + state.delta) & 0xFFFFFFFFL;
                }
            }
        }
        if (format <= 2) {
            state.extended = extended;
        }
        state.length = length;
        state.typeId = typeId;
        state.remaining = remaining - payloadSize;
        in.readerIndex(pos);
        ByteBuf payload = in.readRetainedSlice(payloadSize);
        return new Chunk(format, csid, state.timestamp, length, typeId, state.streamId, first,
                state.remaining == 0, payload);
    }
}
