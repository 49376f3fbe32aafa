package dev.amphi.bench.audience;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.function.Supplier;

/** GETs that count themselves into {@link Counts}, and running futures one after another. */
final class Http {

    /** A response whose status was not 2xx. */
    static final class Status extends RuntimeException {
        final int code;

        Status(int code) {
            super("HTTP " + code, null, false, false);
            this.code = code;
        }
    }

    private Http() {
    }

    /**
     * GET {@code uri} (with {@code Range: bytes=0-(rangeBytes-1)} when rangeBytes > 0; a HEAD when
     * rangeBytes < 0): the body of a 2xx, else a failed future.
     */
    static Future<Buffer> get(HttpClientAgent http, Counts counts, Counts.Kind kind, String uri, int rangeBytes) {
        RequestOptions o = new RequestOptions().setMethod(rangeBytes < 0 ? HttpMethod.HEAD : HttpMethod.GET).setURI(uri)
                .setIdleTimeout(15_000);
        if (rangeBytes > 0) {
            o.putHeader("Range", "bytes=0-" + (rangeBytes - 1));
        }
        return http.request(o).compose(req -> req.send().compose(resp -> resp.body().map(b -> {
            counts.bytes.add(b.length());
            if (resp.statusCode() / 100 != 2) {
                throw new Status(resp.statusCode());
            }
            return b;
        }))).andThen(ar -> (ar.succeeded() ? counts.ok : counts.failed).get(kind).increment());
    }

    /** Runs {@code steps} one after another (each starts when the previous ended, failed or not). */
    static Future<Void> inOrder(List<Supplier<Future<?>>> steps) {
        Future<Void> f = Future.succeededFuture();
        for (Supplier<Future<?>> step : steps) {
            f = f.eventually(() -> step.get()).recover(e -> Future.succeededFuture()).mapEmpty();
        }
        return f;
    }
}
