package dev.amphi.server;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The server's HTTP listeners: HTTP on the main port, HTTPS with the same routes when a certificate is
 * configured, and {@code /metrics} alone on a port of its own when asked. Every connection of each
 * gets the {@link HttpTimeouts}; they speak HTTP/1.1 only (no h2c, no ALPN), which is what the
 * timeouts know and what players, CDNs and proxies in front use. Closing Vert.x closes them.
 */
final class HttpServers {

    private final HttpServer http;
    private final HttpServer https;
    private final HttpServer metrics;

    private HttpServers(HttpServer http, HttpServer https, HttpServer metrics) {
        this.http = http;
        this.https = https;
        this.metrics = metrics;
    }

    /**
     * Listens on every configured port, in order HTTP, HTTPS, metrics; the first that cannot listen
     * fails the whole with a message naming it (those already listening close with Vert.x).
     *
     * @param metricsRouter the router of the metrics listener; null when /metrics stays on the main router
     */
    static HttpServers listen(Vertx vertx, ServerConfig config, Router main, Router metricsRouter, HttpTimeouts.Listener listener)
            throws IOException, InterruptedException, TimeoutException {
        ServerConfig.HttpListeners l = config.http();
        HttpServer http = listen("HTTP", vertx, options(config.bind(), config.httpPort()).setCompressionSupported(true),
                main, l.timeouts(), listener);
        HttpServer https = null;
        if (config.tls().isPresent() && l.httpsPort() >= 0) {
            ServerConfig.Tls tls = config.tls().get();
            HttpServerOptions o = options(config.bind(), l.httpsPort()).setCompressionSupported(true).setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certificateChain().toString())
                            .setKeyPath(tls.privateKey().toString()));
            https = listen("HTTPS", vertx, o, main, l.timeouts(), listener);
        }
        HttpServer metrics = null;
        if (metricsRouter != null) {
            metrics = listen("metrics", vertx, options(l.metricsBind().orElse(config.bind()), l.metricsPort()), metricsRouter,
                    l.timeouts(), listener);
        }
        return new HttpServers(http, https, metrics);
    }

    static HttpServerOptions options(String host, int port) {
        return new HttpServerOptions().setHost(host).setPort(port).setHttp2ClearTextEnabled(false).setUseAlpn(false);
    }

    static HttpServer listen(String what, Vertx vertx, HttpServerOptions options, Router router,
                                     HttpTimeouts.Limits timeouts, HttpTimeouts.Listener listener)
            throws IOException, InterruptedException, TimeoutException {
        try {
            return vertx.createHttpServer(options)
                    .connectionHandler(c -> HttpTimeouts.install(c, timeouts, listener))
                    .requestHandler(router)
                    .listen()
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException("cannot listen for " + what + " on " + options.getHost() + ":" + options.getPort() + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    int httpPort() {
        return http.actualPort();
    }

    /** The HTTPS port, -1 without HTTPS. */
    int httpsPort() {
        return https == null ? -1 : https.actualPort();
    }

    /** The metrics listener's port, -1 when /metrics is served on the HTTP port. */
    int metricsPort() {
        return metrics == null ? -1 : metrics.actualPort();
    }
}
