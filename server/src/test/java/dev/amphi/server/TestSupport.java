package dev.amphi.server;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import org.awaitility.Awaitility;

/** Starting test servers, polling with a deadline, and plain HTTP GETs. */
final class TestSupport {

    private static final java.util.regex.Pattern WATCH_LOBBY = java.util.regex.Pattern.compile("^Watch: http://[^/]+:(\\d+)/watch/lobby$");
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

    /** An API request: a JSON body (null: none) and a Bearer credential (null: none); the answer as text. */
    static HttpResponse<String> send(AmphiServer server, String method, String path, String bearer, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(httpUrl(server, path))).timeout(Duration.ofSeconds(20))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A server in a JVM of its own: its process, its output so far, and its HTTP port once it printed it. */
    record ServerProcess(Process process, java.util.Queue<String> output, CompletableFuture<Integer> httpPort) {
        /** Its output, for a failure's message. */
        String printed() {
            return String.join("\n", output);
        }
    }

    /**
     * Starts {@code Main} in a JVM of its own (for tests that kill it) on 127.0.0.1 with free ports,
     * {@code dataDir} and passthrough rooms, plus {@code extraArgs}.
     */
    static ServerProcess spawn(Path dataDir, String... extraArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--bind", "127.0.0.1", "--http-port", "0", "--rtmp-port", "0", "--webrtc-udp-port", "0", "--data-dir", dataDir.toString(),
                "--room-mode", "passthrough"));
        command.addAll(List.of(extraArgs));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        java.util.Queue<String> output = new java.util.concurrent.ConcurrentLinkedQueue<>();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> readServerOutput(process.getInputStream(), output, port), "spawned-server-output");
        reader.setDaemon(true);
        reader.start();
        return new ServerProcess(process, output, port);
    }

    /** Reads a server's output (kept, up to 500 lines, in {@code output}), completing {@code port} from the "Watch:" line it prints once started. */
    private static void readServerOutput(InputStream in, java.util.Queue<String> output, CompletableFuture<Integer> port) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (output.size() < 500) {
                    output.add(line);
                }
                Matcher m = WATCH_LOBBY.matcher(line);
                if (m.matches()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
            }
            port.completeExceptionally(new IOException("the server's output ended before it printed its URLs"));
        } catch (IOException e) {
            port.completeExceptionally(e);
        }
    }
}
