package dev.amphi.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Starting test servers, polling with a deadline, and plain HTTP GETs. */
final class TestSupport {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestSupport() {
    }

    /**
     * A server on 127.0.0.1 with free ports and {@code dataDir}, plus {@code extraArgs}. Rooms pass
     * their publisher through unless {@code extraArgs} sets {@code --room-mode}. Its Vert.x warns of a
     * blocked event loop early, which fails the test ({@link BlockedThreadAlarm}).
     */
    static AmphiServer start(Path dataDir, String... extraArgs) throws Exception {
        return start(dataDir, ProgramRoom.Starter.DEFAULT, extraArgs);
    }

    /** {@link #start(Path, String...)} with composited rooms' programs started by {@code starter}. */
    static AmphiServer start(Path dataDir, ProgramRoom.Starter starter, String... extraArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of(extraArgs));
        List<String> defaults = List.of("--bind", "127.0.0.1", "--http-port", "0", "--rtmp-port", "0", "--webrtc-udp-port", "0", "--data-dir", dataDir.toString(),
                "--room-mode", "passthrough");
        for (int i = 0; i < defaults.size(); i += 2) {
            if (!args.contains(defaults.get(i))) {
                args.add(defaults.get(i));
                args.add(defaults.get(i + 1));
            }
        }
        ServerConfig config = Main.parse(args.toArray(String[]::new), Map.of(), new PrintStream(new ByteArrayOutputStream()))
                .orElseThrow();
        return AmphiServer.start(config, starter, BlockedThreadAlarm.vertxOptions());
    }

    static String rtmpUrl(AmphiServer server, String key) {
        return "rtmp://127.0.0.1:" + server.rtmpPort() + "/live/" + key;
    }

    static String httpUrl(AmphiServer server, String path) {
        return "http://127.0.0.1:" + server.httpPort() + path;
    }

    /** Polls {@code condition} every 100 ms until it holds; fails with {@code what} after {@code timeout}. */
    static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(100)).until(condition::getAsBoolean);
    }

    record Response(int status, String contentType, String body) {
    }

    static Response get(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            return new Response(-1, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(-1, "", e.toString());
        }
    }

    /** URIs in a master playlist: variant lines and {@code URI="..."} attributes, resolved against it. */
    static List<String> mediaPlaylists(String masterUrl, String master) {
        List<String> uris = new ArrayList<>();
        for (String line : master.split("\r?\n")) {
            line = line.strip();
            if (line.startsWith("#")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("URI=\"([^\"]+)\"").matcher(line);
                if (m.find()) {
                    uris.add(URI.create(masterUrl).resolve(m.group(1)).toString());
                }
            } else if (!line.isEmpty()) {
                uris.add(URI.create(masterUrl).resolve(line).toString());
            }
        }
        return uris;
    }
}
