package dev.amphi.ingest.rtmp.chunk;

import dev.amphi.ingest.rtmp.message.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.TooLongFrameException;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link Chunk}s → {@link RtmpMessage}s: appends each chunk's payload to its chunk stream's
 * message in progress and emits the message when its last chunk arrives. A single-chunk message
 * keeps the chunk's buffer (no copy).
 *
 * <p>Bounds: a message may not declare more than {@code maxMessageSize} bytes, and the unfinished
 * messages of one connection together may not hold more than twice that.
 *
 * <p>Not thread-safe: one per connection, on its event loop. Call {@link #close()} when done.
 */
public final class MessageAssembler implements AutoCloseable {

    private final ByteBufAllocator alloc;
    private final int maxMessageSize;
    private final Map<Integer, ByteBuf> partial = new HashMap<>();
    private long buffered;

    public MessageAssembler(ByteBufAllocator alloc, int maxMessageSize) {
        if (maxMessageSize < 1) {
            throw new IllegalArgumentException("maxMessageSize must be positive, was " + maxMessageSize);
        }
        this.alloc = alloc;
        this.maxMessageSize = maxMessageSize;
    }

    /**
     * Takes ownership of {@code chunk}; returns the completed message or null.
     *
     * @throws TooLongFrameException when the message or the buffered total exceeds the limits
     */
    public RtmpMessage accept(Chunk chunk) {
        try {
            int csid = chunk.chunkStreamId();
            if (chunk.messageLength() > maxMessageSize) {
                throw new TooLongFrameException("message of " + chunk.messageLength()
                        + " bytes exceeds the limit of " + maxMessageSize);
            }
            if (chunk.first() && chunk.last()) {
                drop(csid);
                return new RtmpMessage(csid, chunk.typeId(), chunk.timestamp(), chunk.streamId(),
                        chunk.content().retain());
            }
            ByteBuf buf;
            if (chunk.first()) {
                drop(csid);
                buf = alloc.buffer(Math.min(chunk.messageLength(), 64 * 1024), chunk.messageLength());
                partial.put(csid, buf);
            } else {
                buf = partial.get(csid);
                if (buf == null) {
                    throw new io.netty.handler.codec.CorruptedFrameException("continuation chunk without a message on chunk stream " + csid);
                }
            }
            int n = chunk.content().readableBytes();
            if (buffered + n > 2L * maxMessageSize) {
                throw new TooLongFrameException("unfinished messages hold more than " + 2L * maxMessageSize + " bytes");
            }
            buf.writeBytes(chunk.content());
            buffered += n;
            if (!chunk.last()) {
                return null;
            }
            partial.remove(csid);
            buffered -= buf.readableBytes();
            return new RtmpMessage(csid, chunk.typeId(), chunk.timestamp(), chunk.streamId(), buf);
        } finally {
            chunk.release();
        }
    }

    /** Discards the message in progress on {@code chunkStreamId} (Abort message). */
    public void abort(long chunkStreamId) {
        drop((int) chunkStreamId);
    }

    private void drop(int csid) {
        ByteBuf old = partial.remove(csid);
        if (old != null) {
            buffered -= old.readableBytes();
            old.release();
        }
    }

    /** Releases every unfinished message. */
    @Override
    public void close() {
        partial.values().forEach(ByteBuf::release);
        partial.clear();
        buffered = 0;
    }
}
