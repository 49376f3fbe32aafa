package dev.amphi.hls.http;

import dev.amphi.hls.store.StoredObject;

/**
 * Where the routes find objects. Implementations answer from memory without blocking (they are
 * called on Vert.x event loops).
 */
public interface ObjectResolver {

    /**
     * Looks up {@code path} (e.g. {@code master.m3u8}, {@code video/index.m3u8},
     * {@code 720p/index.m3u8}, {@code audio/seg-x-3.m4s}) of stream {@code stream}. Both are already
     * validated against {@link OriginRoutes#STREAM_NAME}, {@link OriginRoutes#RENDITION_NAME} and
     * {@link OriginRoutes#FILE_NAME}.
     */
    Lookup lookup(String stream, String path);

    /** An object, or the short text of a 404. */
    record Lookup(StoredObject object, String notFound) {
        public Lookup {
            if ((object == null) == (notFound == null)) {
                throw new IllegalArgumentException("a lookup has either an object or a not-found text");
            }
        }

        public static Lookup found(StoredObject object) {
            return new Lookup(object, null);
        }

        public static Lookup missing(String text) {
            return new Lookup(null, text);
        }
    }
}
