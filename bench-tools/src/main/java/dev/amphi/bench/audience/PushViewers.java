package dev.amphi.bench.audience;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The push design's viewers on one event loop: each holds one Server-Sent Events stream
 * ({@code GET /api/rooms/{room}/events}, as a viewer without the room's key; {@code --key} sends
 * it as a host's console does) straight from the origin, opened {@link #BATCH} at a time. Every viewer counts the {@code comment} events it gets;
 * {@link #SAMPLED} of them also keep the ids, for the exactly-once check.
 */
final class PushViewers extends AbstractVerticle {

    static final int BATCH = 100;
    static final int SAMPLED = 5;
    private static final byte[] COMMENT = "event: comment\n".getBytes(StandardCharsets.US_ASCII);

    /** A sampled viewer: when its stream opened, and how often it got each comment id. */
    static final class Sample {
        volatile long openedMs;
        final Map<String, Integer> seen = new ConcurrentHashMap<>();
    }

    private final Settings s;
    private final Counts counts;
    private final int count;
    private final boolean sampling;
    final List<Sample> samples = new ArrayList<>();
    final LongAdder open = new LongAdder();
    final Map<Integer, LongAdder> refused = new ConcurrentHashMap<>();
    private HttpClientAgent http;
    private int started;

    PushViewers(Settings s, Counts counts, int count, boolean sampling) {
        this.s = s;
        this.counts = counts;
        this.count = count;
        this.sampling = sampling;
    }

    @Override
    public void start() {
        http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(s.origin().getHost()).setDefaultPort(s.origin().getPort())
                .setKeepAlive(false).setTcpNoDelay(true), new PoolOptions().setHttp1MaxSize(Math.max(1, count)));
        vertx.setPeriodic(100, id -> {
            for (int i = 0; i < BATCH && started < count; i++) {
                connect(sampling && started < SAMPLED ? new Sample() : null);
                started++;
            }
            if (started >= count) {
                vertx.cancelTimer(id);
            }
        });
    }

    @Override
    public void stop() {
        http.close();
    }

    private void connect(Sample sample) {
        if (sample != null) {
            samples.add(sample);
        }
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/rooms/" + s.room() + "/events")
                .putHeader("Accept", "text/event-stream");
        if (!s.key().isEmpty()) {
            o.putHeader("Authorization", "Bearer " + s.key());
        }
        http.request(o).compose(req -> req.send()).onSuccess(resp -> {
            if (resp.statusCode() != 200) {
                refused.computeIfAbsent(resp.statusCode(), c -> new LongAdder()).increment();
                counts.failed.get(Counts.Kind.STREAM).increment();
                resp.body();
                return;
            }
            counts.ok.get(Counts.Kind.STREAM).increment();
            open.increment();
            if (sample != null) {
                sample.openedMs = System.currentTimeMillis();
            }
            int[] matched = {0};
            StringBuilder text = sample == null ? null : new StringBuilder();
            resp.handler(b -> {
                counts.bytes.add(b.length());
                counts.pushedComments.add(scan(b, matched));
                if (text != null) {
                    text.append(b.toString(StandardCharsets.UTF_8));
                    parse(text, sample);
                }
            });
            resp.endHandler(x -> open.decrement());
            resp.exceptionHandler(e -> { });
        }).onFailure(e -> counts.failed.get(Counts.Kind.STREAM).increment());
    }

    /** Occurrences of "event: comment\n" in the stream, {@code matched[0]} carrying a partial match across buffers. */
    private static int scan(Buffer b, int[] matched) {
        int n = 0;
        int m = matched[0];
        for (int i = 0; i < b.length(); i++) {
            byte c = b.getByte(i);
            if (c == COMMENT[m]) {
                m++;
                if (m == COMMENT.length) {
                    n++;
                    m = 0;
                }
            } else {
                m = c == COMMENT[0] ? 1 : 0;
            }
        }
        matched[0] = m;
        return n;
    }

    /** Takes the complete events off the front of {@code text} and records the comments' ids. */
    private static void parse(StringBuilder text, Sample sample) {
        int end;
        while ((end = text.indexOf("\n\n")) >= 0) {
            String event = text.substring(0, end);
            text.delete(0, end + 2);
            if (!event.startsWith("event: comment\n")) {
                continue;
            }
            int data = event.indexOf("data: ");
            if (data >= 0) {
                String id = new JsonObject(event.substring(data + 6).strip()).getString("id");
                sample.seen.merge(id, 1, Integer::sum);
            }
        }
    }
}
