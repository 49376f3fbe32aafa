package dev.amphi.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which address a request counts against, through a real Vert.x server on 127.0.0.1. */
class ClientAddressTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private Vertx vertx;

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private String seen(ClientAddress addresses, String... forwarded) throws Exception {
        if (vertx == null) {
            vertx = Vertx.vertx();
        }
        var server = vertx.createHttpServer().requestHandler(req -> req.response().end(addresses.of(req)))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/"));
        for (String f : forwarded) {
            b.header("X-Forwarded-For", f);
        }
        String body = http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
        server.close();
        return body;
    }

    @Test
    void behindATrustedEdgeTheViewerIsTheRightmostUntrustedHop() throws Exception {
        ClientAddress edge = ClientAddress.behind(List.of("127.0.0.1", "10.0.0.7"));
        assertThat(seen(edge, "203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(seen(edge, "198.51.100.1, 203.0.113.9, 10.0.0.7")).as("a forged left part is not believed").isEqualTo("203.0.113.9");
        assertThat(seen(edge, "198.51.100.1", "2001:db8::5")).as("several headers: the last one is nearest").isEqualTo("2001:db8::5");
        assertThat(seen(edge, "not-an-address, 10.0.0.7")).as("garbage ends the walk at the last trusted hop").isEqualTo("10.0.0.7");
        assertThat(seen(edge)).as("no header: the edge itself").isEqualTo("127.0.0.1");
    }

    @Test
    void fromAnyoneElseTheHeaderIsIgnored() throws Exception {
        assertThat(seen(ClientAddress.direct(), "203.0.113.9")).isEqualTo("127.0.0.1");
        assertThat(seen(ClientAddress.behind(List.of("10.0.0.7")), "203.0.113.9")).isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> ClientAddress.behind(List.of("edge.example"))).hasMessageContaining("IP address");
    }
}
