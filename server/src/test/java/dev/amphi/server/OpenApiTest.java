package dev.amphi.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/openapi.json} against the server itself: every API route the HTTP port has is in the
 * document and nothing else is, every {@code $ref} resolves, and every documented operation, asked
 * without credentials and with the credentials it names (the room's key, the admin token), answers
 * one of the statuses the document lists for it.
 */
class OpenApiTest {

    private static final String LOBBY_KEY = "lobby-key-for-the-openapi-test";
    private static final String ADMIN_TOKEN = "admin-token-for-the-openapi-test";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Example values of the path parameters. */
    private static final Map<String, String> PARAMS = Map.of("name", "lobby", "id", "12345", "viewer", "v-1", "session", "no-such-session",
            "speaker", "nobody");

    @TempDir
    static Path dataDir;
    static AmphiServer server;
    static JsonObject doc;

    @BeforeAll
    static void start() throws Exception {
        server = TestSupport.start(dataDir, "--room-mode", "composite", "--lobby-key", LOBBY_KEY, "--admin-token", ADMIN_TOKEN, "--canvas", "640x360",
                "--ladder", "180p:320x180:250k", "--preset", "ultrafast");
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(TestSupport.httpUrl(server, "/api/openapi.json"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        doc = new JsonObject(r.body());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyApiRouteIsDocumentedAndNothingElse() {
        TreeSet<String> routes = new TreeSet<>();
        for (Route route : server.httpRoutes()) {
            String path = route.getPath();
            if (path == null || !path.startsWith("/api/") || path.endsWith("/") || route.methods() == null || route.methods().isEmpty()) {
                continue; // the /api/* CORS handlers apply to every route
            }
            route.methods().forEach(m -> routes.add(m.name().toLowerCase(Locale.ROOT) + " " + path.replaceAll(":([a-z]+)", "{$1}")));
        }
        TreeSet<String> documented = new TreeSet<>();
        JsonObject paths = doc.getJsonObject("paths");
        for (String path : paths.fieldNames()) {
            for (String method : paths.getJsonObject(path).fieldNames()) {
                documented.add(method + " " + path);
            }
        }
        assertThat(documented).as("the document's operations").isEqualTo(routes);
        assertThat(doc.getString("openapi")).startsWith("3.");
    }

    @Test
    void everyReferenceResolves() {
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/");
            Object at = doc;
            for (String part : ref.substring(2).split("/")) {
                assertThat(at).as(ref).isInstanceOf(JsonObject.class);
                at = ((JsonObject) at).getValue(part);
            }
            assertThat(at).as(ref).isNotNull();
        }
    }

    @Test
    void everyDocumentedOperationAnswersADocumentedStatus() throws Exception {
        JsonObject paths = doc.getJsonObject("paths");
        List<String> answers = new ArrayList<>();
        for (String path : paths.fieldNames()) {
            for (String method : paths.getJsonObject(path).fieldNames()) {
                JsonObject op = paths.getJsonObject(path).getJsonObject(method);
                List<String> credentials = new ArrayList<>();
                credentials.add(null);
                if (String.valueOf(op.getValue("security")).contains("roomKey")) {
                    credentials.add("Bearer " + LOBBY_KEY);
                }
                if (String.valueOf(op.getValue("security")).contains("adminToken")) {
                    credentials.add("Bearer " + ADMIN_TOKEN);
                }
                for (String auth : credentials) {
                    int status = call(method, fill(path), op, auth);
                    answers.add(method + " " + path + (auth == null ? "" : " (" + auth + ")") + ": " + status);
                    assertThat(op.getJsonObject("responses").fieldNames()).as(method + " " + path + (auth == null ? "" : " with " + auth)
                            + " answered " + status).contains(Integer.toString(status));
                }
            }
        }
        assertThat(answers).hasSizeGreaterThan(20);
    }

    private static String fill(String path) {
        Matcher m = Pattern.compile("\\{([a-z]+)}").matcher(path);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, PARAMS.get(m.group(1)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Calls the operation with an empty body of its first content type; the status (headers only for a stream). */
    private static int call(String method, String path, JsonObject op, String auth) throws Exception {
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
        String type = null;
        JsonObject request = op.getJsonObject("requestBody");
        if (request != null) {
            type = request.getJsonObject("content").fieldNames().iterator().next();
            body = HttpRequest.BodyPublishers.ofString(type.equals("application/sdp") ? "v=0\r\n" : "{}");
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(TestSupport.httpUrl(server, path))).timeout(Duration.ofSeconds(10))
                .method(method.toUpperCase(Locale.ROOT), body);
        if (type != null) {
            b.header("Content-Type", type);
        }
        if (auth != null) {
            b.header("Authorization", auth);
        }
        HttpResponse<InputStream> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        r.body().close(); // an event stream never ends by itself
        return r.statusCode();
    }

    private static void collectRefs(Object node, List<String> into) {
        if (node instanceof JsonObject o) {
            for (String k : o.fieldNames()) {
                if (k.equals("$ref")) {
                    into.add(o.getString(k));
                } else {
                    collectRefs(o.getValue(k), into);
                }
            }
        } else if (node instanceof JsonArray a) {
            a.forEach(x -> collectRefs(x, into));
        }
    }
}
