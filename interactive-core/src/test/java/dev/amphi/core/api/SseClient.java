package dev.amphi.core.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal Server-Sent Events reader over java.net.http: events (and comments) into a queue.
 * Shared with the server's end-to-end tests through this module's test jar.
 */
public final class SseClient implements AutoCloseable {

    /** One event; a comment line has event {@code ":"} and the comment as data. */
    public record Event(String event, String data) {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public final HttpResponse<InputStream> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;

    public SseClient(String url) throws IOException, InterruptedException {
        this(url, null);
    }

    /** A stream opened with {@code Authorization: authorization} (null: none). */
    public SseClient(String url, String authorization) throws IOException, InterruptedException {
        // asks for gzip like a browser: the stream must come uncompressed all the same, event by event
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept-Encoding", "gzip").timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        response = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String event = "message";
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        events.add(new Event(event, data.toString()));
                    }
                    event = "message";
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    events.add(new Event(":", line.substring(1).strip()));
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** The next event named {@code name} (others are skipped), or an AssertionError after {@code timeout}. */
    public Event next(String name, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Event e = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("no '" + name + "' event within " + timeout.toMillis() + " ms");
            }
            if (e.event().equals(name)) {
                return e;
            }
        }
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            // already gone
        }
        reader.interrupt();
    }
}
