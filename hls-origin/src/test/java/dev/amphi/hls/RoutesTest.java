package dev.amphi.hls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.media.MediaSink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The origin's HTTP behaviour as a browser, a CDN or a player sees it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutesTest {

    private Vertx vertx;
    private HlsOrigin origin;
    private WebClient client;
    private int port;
    private String segment;
    private String init;

    @BeforeAll
    void start() throws Exception {
        vertx = Vertx.vertx();
        origin = HlsOrigin.builder().build();
        Router router = Router.router(vertx);
        origin.mount(router);
        // compression on, as the server runs it: the origin's answers must still be byte-exact
        port = await(vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setCompressionSupported(true))
                .requestHandler(router).listen(0, "127.0.0.1")).actualPort();
        client = WebClient.create(vertx);
        MediaSink sink = origin.sink("t");
        Synthetic.stream(5, 60, 0, true, true).forEach(sink::onPacket);
        String playlist = send(HttpMethod.GET, "/live/t/video/index.m3u8").bodyAsString();
        Matcher m = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"[\\s\\S]*?\n(seg-[^\n]+)\n").matcher(playlist);
        assertThat(m.find()).as(playlist).isTrue();
        init = "/live/t/video/" + m.group(1);
        segment = "/live/t/video/" + m.group(2);
    }

    @AfterAll
    void stop() throws Exception {
        origin.close();
        await(vertx.close());
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private HttpResponse<Buffer> send(HttpMethod method, String path, String... headers) throws Exception {
        HttpRequest<Buffer> req = client.request(method, port, "127.0.0.1", path);
        for (int i = 0; i < headers.length; i += 2) {
            req.putHeader(headers[i], headers[i + 1]);
        }
        return await(req.send());
    }

    @Test
    void servesPlaylistsWithTheirTypeAndAShortCacheLife() throws Exception {
        for (String path : new String[] {"/live/t/master.m3u8", "/live/t/video/index.m3u8", "/live/t/audio/index.m3u8"}) {
            HttpResponse<Buffer> r = send(HttpMethod.GET, path);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.getHeader("Content-Type")).isEqualTo("application/vnd.apple.mpegurl");
            assertThat(r.getHeader("Cache-Control")).isEqualTo("public, max-age=1");
            assertThat(r.bodyAsString()).startsWith("#EXTM3U\n");
        }
    }

    @Test
    void servesSegmentsAsImmutableMp4() throws Exception {
        for (String path : new String[] {segment, init}) {
            HttpResponse<Buffer> r = send(HttpMethod.GET, path);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.getHeader("Content-Type")).isEqualTo("video/mp4");
            assertThat(r.getHeader("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
            assertThat(r.getHeader("Accept-Ranges")).isEqualTo("bytes");
            assertThat(r.getHeader("Last-Modified")).endsWith(" GMT");
            assertThat(Integer.parseInt(r.getHeader("Content-Length"))).isEqualTo(r.body().length());
        }
    }

    @Test
    void answersConditionalRequestsWithNotModified() throws Exception {
        HttpResponse<Buffer> full = send(HttpMethod.GET, segment);
        String etag = full.getHeader("ETag");
        assertThat(etag).matches("\"[0-9a-f]+-[0-9a-f]+\"");
        HttpResponse<Buffer> again = send(HttpMethod.GET, segment, "If-None-Match", "\"other\", " + etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isNull();
        assertThat(again.getHeader("ETag")).isEqualTo(etag);
        HttpResponse<Buffer> since = send(HttpMethod.GET, segment, "If-Modified-Since", full.getHeader("Last-Modified"));
        assertThat(since.statusCode()).isEqualTo(304);
        assertThat(send(HttpMethod.GET, segment, "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
    }

    @Test
    void revalidatesPlaylistsByETagOnlyBecauseTheyChangeWithinASecond() throws Exception {
        HttpResponse<Buffer> playlist = send(HttpMethod.GET, "/live/t/video/index.m3u8");
        assertThat(send(HttpMethod.GET, "/live/t/video/index.m3u8", "If-Modified-Since",
                playlist.getHeader("Last-Modified")).statusCode()).isEqualTo(200);
        assertThat(send(HttpMethod.GET, "/live/t/video/index.m3u8", "If-None-Match",
                playlist.getHeader("ETag")).statusCode()).isEqualTo(304);
    }

    @Test
    void ignoresARangeForAnotherVersion() throws Exception {
        HttpResponse<Buffer> r = send(HttpMethod.GET, segment, "Range", "bytes=0-3", "If-Range", "\"old\"");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(send(HttpMethod.GET, segment, "Range", "bytes=0-3", "If-Range", r.getHeader("ETag")).statusCode())
                .isEqualTo(206);
    }

    @Test
    void servesSingleByteRanges() throws Exception {
        Buffer full = send(HttpMethod.GET, segment).body();
        HttpResponse<Buffer> part = send(HttpMethod.GET, segment, "Range", "bytes=8-15");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.getHeader("Content-Range")).isEqualTo("bytes 8-15/" + full.length());
        assertThat(part.body().getBytes()).isEqualTo(full.getBytes(8, 16));
        HttpResponse<Buffer> tail = send(HttpMethod.GET, segment, "Range", "bytes=-4");
        assertThat(tail.body().getBytes()).isEqualTo(full.getBytes(full.length() - 4, full.length()));
        HttpResponse<Buffer> beyond = send(HttpMethod.GET, segment, "Range", "bytes=" + full.length() + "-");
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(beyond.getHeader("Content-Range")).isEqualTo("bytes */" + full.length());
        assertThat(send(HttpMethod.GET, segment, "Range", "bytes=0-1,4-5").statusCode()).isEqualTo(200);
    }

    @Test
    void neverCompressesOnTheFlySoLengthsAndRangesStayExact() throws Exception {
        for (String path : new String[] {segment, "/live/t/video/index.m3u8"}) {
            HttpResponse<Buffer> r = send(HttpMethod.GET, path, "Accept-Encoding", "gzip, deflate");
            assertThat(r.getHeader("Content-Encoding")).isNotEqualTo("gzip").isNotEqualTo("deflate");
            assertThat(Integer.parseInt(r.getHeader("Content-Length"))).isEqualTo(r.body().length());
        }
        HttpResponse<Buffer> part = send(HttpMethod.GET, segment, "Accept-Encoding", "gzip", "Range", "bytes=0-7");
        assertThat(part.body().length()).isEqualTo(8);
        assertThat(part.body().getString(4, 8)).isEqualTo("styp");
    }

    @Test
    void headSendsTheHeadersOfGetWithoutABody() throws Exception {
        HttpResponse<Buffer> get = send(HttpMethod.GET, segment);
        HttpResponse<Buffer> head = send(HttpMethod.HEAD, segment);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isNull();
        assertThat(head.getHeader("Content-Length")).isEqualTo(Integer.toString(get.body().length()));
        assertThat(head.getHeader("ETag")).isEqualTo(get.getHeader("ETag"));
    }

    @Test
    void unknownStreamsAndSegmentsGetAShortUncachedText() throws Exception {
        HttpResponse<Buffer> r = send(HttpMethod.GET, "/live/nobody/master.m3u8");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.bodyAsString()).isEqualTo("stream nobody is not live yet\n");
        assertThat(r.getHeader("Cache-Control")).isEqualTo("no-cache");
        assertThat(r.getHeader("Content-Type")).startsWith("text/plain");
        HttpResponse<Buffer> seg = send(HttpMethod.GET, "/live/t/video/seg-zz-999.m4s");
        assertThat(seg.statusCode()).isEqualTo(404);
        assertThat(seg.bodyAsString()).isEqualTo("no video/seg-zz-999.m4s in stream t\n");
    }

    @Test
    void refusesTraversalAndAbsurdNames() throws Exception {
        assertThat(send(HttpMethod.GET, "/live/t/video/..%2F..%2Fetc%2Fpasswd").statusCode()).isEqualTo(404);
        assertThat(send(HttpMethod.GET, "/live/t/../../etc/passwd").statusCode()).isEqualTo(404);
        assertThat(send(HttpMethod.GET, "/live/t/other/index.m3u8").statusCode()).isEqualTo(404);
        assertThat(send(HttpMethod.GET, "/live/.hidden/master.m3u8").statusCode()).isEqualTo(400);
        assertThat(send(HttpMethod.GET, "/live/" + "x".repeat(300) + "/master.m3u8").statusCode()).isEqualTo(400);
        assertThat(send(HttpMethod.GET, "/live/t/video/seg-1.exe").statusCode()).isEqualTo(404);
    }
}
