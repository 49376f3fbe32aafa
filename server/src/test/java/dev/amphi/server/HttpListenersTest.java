package dev.amphi.server;

import static dev.amphi.server.TestSupport.get;
import static dev.amphi.server.TestSupport.httpUrl;
import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.ingest.rtmp.testing.SelfSigned;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole server's HTTP listeners: HTTPS with the RTMPS certificate, /metrics on its own port, the timeouts' flags. */
class HttpListenersTest {

    private static final String KEY = "lobby-key-0123456789";

    @TempDir
    Path dir;

    private static HttpClient trusting(Path cert) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("amphi", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void httpsServesTheSameRoutesWithTheRtmpsCertificate() throws Exception {
        SelfSigned tls = SelfSigned.in(dir);
        try (AmphiServer server = TestSupport.start(dir.resolve("data"), "--lobby-key", KEY, "--tls-cert", tls.certificate().toString(),
                "--tls-key", tls.privateKey().toString(), "--rtmps-port", "0", "--https-port", "0")) {
            assertThat(server.httpsPort()).isPositive().isNotEqualTo(server.httpPort());
            HttpClient https = trusting(tls.certificate());
            String base = "https://127.0.0.1:" + server.httpsPort();
            HttpResponse<String> rooms = https.send(HttpRequest.newBuilder(URI.create(base + "/api/rooms")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(rooms.statusCode()).isEqualTo(200);
            assertThat(rooms.body()).contains("\"name\":\"lobby\"");
            // a Bearer credential travels encrypted: the layout API answers over HTTPS (409: the lobby passes through here)
            HttpResponse<String> layout = https.send(HttpRequest.newBuilder(URI.create(base + "/api/rooms/lobby/layout"))
                    .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"layout\":\"speaker\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(layout.statusCode()).isEqualTo(409);
            assertThat(get(httpUrl(server, "/api/rooms")).status()).as("plain HTTP stays").isEqualTo(200);
            assertThat(get(httpUrl(server, "/health")).body()).as("/health names both ports")
                    .contains("\"http\":{\"up\":true,\"port\":" + server.httpPort() + ",\"tlsPort\":" + server.httpsPort() + "}");

            HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> untrusting.send(
                    HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString()))
                    .as("it really is TLS with that certificate").isInstanceOf(SSLHandshakeException.class);

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            server.printUrls(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("Watch over HTTPS: https://127.0.0.1:" + server.httpsPort() + "/watch/lobby");
        }
    }

    @Test
    void noCertificateNoHttps() throws Exception {
        try (AmphiServer server = TestSupport.start(dir.resolve("data"), "--https-port", "0")) {
            assertThat(server.httpsPort()).isEqualTo(-1);
        }
        SelfSigned tls = SelfSigned.in(dir);
        try (AmphiServer server = TestSupport.start(dir.resolve("data"), "--tls-cert", tls.certificate().toString(), "--tls-key",
                tls.privateKey().toString(), "--rtmps-port", "0", "--https-port", "off")) {
            assertThat(server.httpsPort()).as("--https-port off keeps RTMPS only").isEqualTo(-1);
            assertThat(server.rtmpsPort()).isPositive();
        }
    }

    @Test
    void metricsCanMoveToAListenerOfTheirOwn() throws Exception {
        try (AmphiServer server = TestSupport.start(dir.resolve("data"), "--metrics-port", "0", "--metrics-bind", "127.0.0.1")) {
            assertThat(server.metricsPort()).isPositive().isNotEqualTo(server.httpPort());
            TestSupport.Response metrics = get("http://127.0.0.1:" + server.metricsPort() + "/metrics");
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.body()).contains("amphi_rooms_live", "amphi_http_connections_open");
            assertThat(get(httpUrl(server, "/metrics")).status()).as("no longer on the HTTP port").isEqualTo(404);
            assertThat(get("http://127.0.0.1:" + server.metricsPort() + "/health").status()).as("metrics alone").isEqualTo(404);
            assertThat(get(httpUrl(server, "/health")).status()).isEqualTo(200);
        }
        try (AmphiServer server = TestSupport.start(dir.resolve("data"))) {
            assertThat(server.metricsPort()).isEqualTo(-1);
            assertThat(get(httpUrl(server, "/metrics")).status()).as("by default on the HTTP port").isEqualTo(200);
        }
    }

    @Test
    void theTimeoutFlagsReachEveryConnectionAndTheMetrics() throws Exception {
        try (AmphiServer server = TestSupport.start(dir.resolve("data"), "--http-header-timeout", "500ms",
                "--http-keep-alive-timeout", "1h", "--http-body-timeout", "1h");
             RawHttp silent = new RawHttp(server.httpPort())) {
            assertThat(silent.untilClosed(Duration.ofSeconds(10))).isEmpty();
            Awaitility.await("the timeout counted").atMost(Duration.ofSeconds(10)).until(() ->
                    get(httpUrl(server, "/metrics")).body().contains("amphi_http_timeouts_total{phase=\"header\"} 1.0"));
            assertThat(get(httpUrl(server, "/metrics")).body()).contains("amphi_http_timeouts_total{phase=\"body\"} 0.0",
                    "amphi_http_timeouts_total{phase=\"keep-alive\"} 0.0");
        }
    }
}
