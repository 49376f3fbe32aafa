package dev.amphi.hls.http;

import dev.amphi.hls.store.StoredObject;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The origin's HTTP routes: {@code GET/HEAD /live/{name}/master.m3u8} and
 * {@code /live/{name}/{rendition}/{index.m3u8|init-*.mp4|seg-*.m4s}} (rendition {@code video} and
 * {@code audio} of a passthrough stream, a ladder's rung names and {@code audio}), with conditional
 * requests (ETag, Last-Modified, 304), single byte ranges (206, 416) and short plain-text 404s.
 * Every handler answers from memory on the event loop and never blocks. CORS (which headers a player
 * on another site may send and read, and preflights) is the embedding server's, in one place for all
 * its routes.
 */
public final class OriginRoutes {

    /** Stream names: what {@code sink(name)} accepts and the routes serve. */
    public static final Pattern STREAM_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** Rendition directories: {@code video}, {@code audio}, a ladder's rung names such as {@code 720p}. */
    public static final Pattern RENDITION_NAME = Pattern.compile("[a-z0-9]{1,32}");
    /** File names below a rendition. */
    public static final Pattern FILE_NAME =
            Pattern.compile("index\\.m3u8|init-[0-9a-z-]{1,40}\\.mp4|seg-[0-9a-z-]{1,40}\\.m4s");

    private static final String TEXT = "text/plain; charset=utf-8";
    /**
     * Routing-context key: a query ({@code a=1&b=2}) a handler before these routes put there (the
     * embedding server's check of a private room's viewer link) to be carried into every URI of the
     * playlists served for this request, so that players which only follow URIs keep sending it.
     * Such a playlist is answered whole (200, no validators or ranges): it differs per query.
     */
    public static final String PROPAGATE_QUERY = "amphi.hls.query";
    private static final Pattern URI_ATTRIBUTE = Pattern.compile("URI=\"([^\"]*)\"");

    private final ObjectResolver resolver;

    private OriginRoutes(ObjectResolver resolver) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /** Mounts the routes of {@code resolver} on {@code router}. */
    public static void mount(Router router, ObjectResolver resolver) {
        OriginRoutes routes = new OriginRoutes(resolver);
        router.route("/live/:name/master.m3u8").method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(ctx -> routes.serve(ctx, "master.m3u8"));
        router.route("/live/:name/:rendition/:file").method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(routes::serveRendition);
        router.route("/live/*").method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(ctx -> routes.text(ctx, 404, "not found"));
    }

    private void serveRendition(RoutingContext ctx) {
        String rendition = ctx.pathParam("rendition");
        String file = ctx.pathParam("file");
        if (rendition == null || !RENDITION_NAME.matcher(rendition).matches() || file == null
                || !FILE_NAME.matcher(file).matches()) {
            text(ctx, 404, "not found");
            return;
        }
        serve(ctx, rendition + "/" + file);
    }

    private void serve(RoutingContext ctx, String path) {
        String name = ctx.pathParam("name");
        if (name == null || !STREAM_NAME.matcher(name).matches()) {
            text(ctx, 400, "bad stream name");
            return;
        }
        ObjectResolver.Lookup lookup = resolver.lookup(name, path);
        if (lookup.object() == null) {
            text(ctx, 404, lookup.notFound());
            return;
        }
        String query = ctx.get(PROPAGATE_QUERY);
        if (query != null && path.endsWith(".m3u8")) {
            respondRewritten(ctx, lookup.object(), query);
            return;
        }
        respond(ctx, lookup.object());
    }

    /** A playlist with {@code query} added to each of its URIs. */
    static String withQuery(String playlist, String query) {
        StringBuilder out = new StringBuilder(playlist.length() + 64);
        String[] lines = playlist.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (i > 0) {
                out.append('\n');
            }
            if (line.isBlank()) {
                out.append(line);
            } else if (line.startsWith("#")) {
                java.util.regex.Matcher m = URI_ATTRIBUTE.matcher(line);
                StringBuilder b = new StringBuilder();
                while (m.find()) {
                    m.appendReplacement(b, java.util.regex.Matcher.quoteReplacement("URI=\"" + addQuery(m.group(1), query) + "\""));
                }
                m.appendTail(b);
                out.append(b);
            } else {
                out.append(addQuery(line.strip(), query));
            }
        }
        return out.toString();
    }

    private static String addQuery(String uri, String query) {
        return uri + (uri.contains("?") ? "&" : "?") + query;
    }

    private void respondRewritten(RoutingContext ctx, StoredObject o, String query) {
        whole(ctx, 200, o.contentType(), o.cacheControl(),
                Buffer.buffer(withQuery(o.body().toString(StandardCharsets.UTF_8), query).getBytes(StandardCharsets.UTF_8)));
    }

    private void respond(RoutingContext ctx, StoredObject o) {
        HttpServerRequest req = ctx.request();
        HttpServerResponse res = ctx.response();
        identity(res);
        res.putHeader(HttpHeaders.ETAG, o.etag());
        res.putHeader(HttpHeaders.LAST_MODIFIED, HttpDates.format(o.lastModified()));
        res.putHeader(HttpHeaders.CACHE_CONTROL, o.cacheControl());
        res.putHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
        if (Conditional.notModified(req, o)) {
            res.setStatusCode(304).end();
            return;
        }
        res.putHeader(HttpHeaders.CONTENT_TYPE, o.contentType());
        res.putHeader("X-Content-Type-Options", "nosniff");
        int length = o.size();
        Buffer body = o.body();
        ByteRange range = Conditional.rangeApplies(req, o) ? ByteRange.parse(req.getHeader("Range"), length) : null;
        if (range == ByteRange.UNSATISFIABLE) {
            res.setStatusCode(416).putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + length)
                    .putHeader(HttpHeaders.CONTENT_LENGTH, "0").end();
            return;
        }
        if (range != null) {
            res.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE,
                    "bytes " + range.first() + "-" + range.last() + "/" + length);
            body = body.slice((int) range.first(), (int) range.last() + 1);
        }
        res.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()));
        if (req.method() == HttpMethod.HEAD) {
            res.end();
        } else {
            res.end(body);
        }
    }

    private void text(RoutingContext ctx, int status, String message) {
        whole(ctx, status, TEXT, "no-cache", Buffer.buffer((message + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    /** A whole body (no validators, no ranges); HEAD gets the headers only. */
    private static void whole(RoutingContext ctx, int status, String type, String cacheControl, Buffer body) {
        HttpServerResponse res = ctx.response();
        identity(res);
        res.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, type)
                .putHeader(HttpHeaders.CACHE_CONTROL, cacheControl)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()));
        if (ctx.request().method() == HttpMethod.HEAD) {
            res.end();
        } else {
            res.end(body);
        }
    }

    private static void identity(HttpServerResponse res) {
        // never compressed on the fly: segments are already compressed, byte ranges and
        // Content-Length must refer to the stored bytes, and a CDN compresses playlists itself
        res.putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY);
    }
}
