package dev.amphi.hls.http;

import dev.amphi.hls.store.StoredObject;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;

/** Evaluation of conditional request headers against a stored object (RFC 9110, 13). */
final class Conditional {

    private Conditional() {
    }

    /**
     * If-None-Match (weak comparison), else If-Modified-Since: true when a 304 is the answer.
     * If-Modified-Since is only trusted for immutable objects: a playlist changes several times a
     * second-resolution Last-Modified, so for playlists only the ETag can say "not modified".
     */
    static boolean notModified(HttpServerRequest req, StoredObject o) {
        String inm = req.getHeader(HttpHeaders.IF_NONE_MATCH);
        if (inm != null) {
            return matches(inm, o.etag());
        }
        if (!o.immutable()) {
            return false;
        }
        Instant since = HttpDates.parse(req.getHeader(HttpHeaders.IF_MODIFIED_SINCE));
        return since != null && !o.lastModified().isAfter(since);
    }

    /** A Range header applies unless an If-Range names another version. */
    static boolean rangeApplies(HttpServerRequest req, StoredObject o) {
        String ifRange = req.getHeader("If-Range");
        if (ifRange == null) {
            return true;
        }
        String v = ifRange.trim();
        if (v.startsWith("\"")) {
            return v.equals(o.etag());
        }
        Instant date = HttpDates.parse(v);
        return date != null && o.immutable() && date.equals(o.lastModified());
    }

    private static boolean matches(String header, String etag) {
        String opaque = opaque(etag);
        for (String candidate : header.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || opaque(c).equals(opaque)) {
                return true;
            }
        }
        return false;
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
