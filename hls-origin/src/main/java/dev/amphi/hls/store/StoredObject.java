package dev.amphi.hls.store;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * An immutable HTTP object of the origin (segment, init segment or playlist): its body, type,
 * validators and cache policy. The body buffer is shared by every response and never written to.
 *
 * @param body         the bytes
 * @param contentType  Content-Type
 * @param etag         strong entity tag, quoted
 * @param lastModified Last-Modified, whole seconds
 * @param cacheControl Cache-Control
 */
public record StoredObject(Buffer body, String contentType, String etag, Instant lastModified, String cacheControl) {

    /** Content type of playlists. */
    public static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
    /** Content type of init and media segments. */
    public static final String MP4_TYPE = "video/mp4";
    /** Cache policy of objects that never change once published. */
    public static final String IMMUTABLE = "public, max-age=31536000, immutable";

    public StoredObject {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(etag, "etag");
        Objects.requireNonNull(cacheControl, "cacheControl");
        lastModified = lastModified.truncatedTo(ChronoUnit.SECONDS);
    }

    /**
     * An object whose ETag is derived from its content. Takes ownership of {@code bytes}: the caller
     * must not change it afterwards (see {@link #body(byte[])}).
     */
    public static StoredObject of(byte[] bytes, String contentType, Instant lastModified, String cacheControl) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        String etag = "\"" + Long.toHexString(crc.getValue()) + "-" + Integer.toHexString(bytes.length) + "\"";
        return new StoredObject(BufferInternal.buffer(body(bytes)), contentType, etag, lastModified, cacheControl);
    }

    /** Objects from this size on are kept off the heap. */
    static final int DIRECT_FROM_BYTES = 64 * 1024;

    /**
     * The body: a segment is copied once into direct (off-heap) memory, so that every response hands
     * the socket the same bytes without a copy of its own (a heap buffer is copied into a direct one
     * on each write: 1.5 MB per request for a 6 Mbit/s segment); freed by the garbage collector with
     * the object. Small objects (playlists), and any object when direct memory is short
     * ({@code -XX:MaxDirectMemorySize}), wrap the array without copying it.
     */
    private static io.netty.buffer.ByteBuf body(byte[] bytes) {
        if (bytes.length >= DIRECT_FROM_BYTES) {
            try {
                java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(bytes.length);
                direct.put(bytes).flip();
                return Unpooled.wrappedBuffer(direct);
            } catch (OutOfMemoryError e) {
                // direct memory is exhausted: the heap copy still serves, one copy per write
            }
        }
        return Unpooled.wrappedBuffer(bytes); // no copy: the caller hands over a fresh array and never writes to it again
    }

    /** Whether the object never changes under its name (segments and init segments). */
    public boolean immutable() {
        return IMMUTABLE.equals(cacheControl);
    }

    public int size() {
        return body.length();
    }
}
