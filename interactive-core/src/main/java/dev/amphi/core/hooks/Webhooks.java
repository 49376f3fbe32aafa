package dev.amphi.core.hooks;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to the configured URLs as signed JSON POSTs, retried with exponential backoff,
 * without ever making the caller wait: {@link #publish} only queues, and every request, timer and
 * retry runs on one Vert.x event-loop context through the non-blocking HTTP client.
 *
 * <p>Each delivery is a POST of the event object
 * {@code {"id", "type", "room", "at", "data"}} with the headers
 * <ul>
 *   <li>{@code Amphi-Event}: the type, e.g. {@code room.live};</li>
 *   <li>{@code Amphi-Delivery}: the event's id, the same on every retry (a receiver can drop
 *       repeats);</li>
 *   <li>{@code Amphi-Attempt}: 1 for the first try, then 2, 3, …;</li>
 *   <li>{@code Amphi-Timestamp}: Unix seconds when this attempt was sent;</li>
 *   <li>{@code Amphi-Signature}: {@code sha256=} and the lower-case hex HMAC-SHA256, keyed with the
 *       shared secret, of the timestamp, a dot and the exact body bytes (a receiver recomputes it
 *       and refuses old timestamps, so a captured request cannot be replayed later).</li>
 * </ul>
 * A 2xx answer delivers; anything else (another status, a refused connection, no answer within the
 * timeout) is tried again after {@code firstRetry}, doubling up to {@code maxRetryDelay} (±20 %
 * jitter), until {@code attempts} tries were made. At most {@code maxPending} deliveries wait at
 * once (in flight or between retries); beyond that an event is dropped and counted, so an
 * unreachable receiver costs bounded memory.
 *
 * <p>Thread-safe.
 */
public final class Webhooks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);

    /** How deliveries are tried. */
    public record Settings(int attempts, Duration firstRetry, Duration maxRetryDelay, Duration timeout, int maxPending) {
        public Settings {
            Objects.requireNonNull(firstRetry, "firstRetry");
            Objects.requireNonNull(maxRetryDelay, "maxRetryDelay");
            Objects.requireNonNull(timeout, "timeout");
            if (attempts < 1 || maxPending < 1 || firstRetry.isNegative() || maxRetryDelay.compareTo(firstRetry) < 0
                    || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("webhook settings out of range: " + attempts + " attempts, retry " + firstRetry
                        + ".." + maxRetryDelay + ", timeout " + timeout + ", " + maxPending + " pending");
            }
        }

        /** 8 tries over about 4 minutes (1, 2, 4, … 64 s between them), 10 s per try, 10,000 waiting. */
        public static Settings defaults() {
            return new Settings(8, Duration.ofSeconds(1), Duration.ofSeconds(64), Duration.ofSeconds(10), 10_000);
        }
    }

    /** The event types. */
    public static final String ROOM_LIVE = "room.live";
    public static final String ROOM_ENDED = "room.ended";
    public static final String SPEAKER_JOINED = "speaker.joined";
    public static final String SPEAKER_LEFT = "speaker.left";
    public static final String COMMENT_FLAGGED = "comment.flagged";

    private final Vertx vertx;
    private final Context context;
    private final HttpClientAgent client;
    private final List<URI> urls;
    private final SecretKeySpec key;
    private final Settings settings;
    private final Clock clock;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param urls   where every event goes ({@code http} or {@code https}); none: {@link #publish} does nothing
     * @param secret the HMAC key the receivers share
     */
    public Webhooks(Vertx vertx, List<URI> urls, byte[] secret, Settings settings, Clock clock) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.urls = List.copyOf(urls);
        for (URI u : this.urls) {
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("a webhook URL must be http:// or https:// with a host, got " + u);
            }
        }
        if (secret.length == 0) {
            throw new IllegalArgumentException("the webhook secret must not be empty");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.context = vertx.getOrCreateContext();
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) settings.timeout().toMillis())
                .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(4));
    }

    /**
     * Queues {@code type} about {@code room} for every URL; returns at once, on any thread.
     *
     * @param data the event's details (copied)
     */
    public void publish(String type, String room, JsonObject data) {
        if (urls.isEmpty()) {
            return;
        }
        JsonObject event = new JsonObject()
                .put("id", UUID.randomUUID().toString())
                .put("type", type)
                .put("room", room)
                .put("at", clock.instant().toString())
                .put("data", data == null ? new JsonObject() : data.copy());
        Buffer body = Buffer.buffer(event.encode());
        for (URI url : urls) {
            if (pending.incrementAndGet() > settings.maxPending()) {
                pending.decrementAndGet();
                long n = dropped.incrementAndGet();
                if (Long.bitCount(n) == 1) { // 1, 2, 4, 8, …: a log line, not a flood
                    LOG.warn("webhook {} to {} dropped: {} deliveries already waiting ({} dropped so far)", type, url,
                            settings.maxPending(), n);
                }
                continue;
            }
            Delivery d = new Delivery(url, type, event.getString("id"), body);
            context.runOnContext(v -> attempt(d));
        }
    }

    /** Event-loop context: one try of {@code d}. */
    private void attempt(Delivery d) {
        if (closed) {
            pending.decrementAndGet();
            return;
        }
        d.attempt++;
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(d.url.toString())
                .setIdleTimeout(settings.timeout().toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader("User-Agent", "Amphi-Webhooks")
                .putHeader("Amphi-Event", d.type)
                .putHeader("Amphi-Delivery", d.id)
                .putHeader("Amphi-Attempt", Integer.toString(d.attempt))
                .putHeader("Amphi-Timestamp", timestamp)
                .putHeader("Amphi-Signature", "sha256=" + sign(timestamp, d.body));
        client.request(options)
                .compose(req -> req.send(d.body))
                .compose(resp -> resp.end().map(ignored -> resp.statusCode())) // the answer's body is discarded, not kept
                .onComplete(r -> {
                    if (r.succeeded() && r.result() / 100 == 2) {
                        delivered.incrementAndGet();
                        pending.decrementAndGet();
                    } else {
                        retry(d, r.succeeded() ? "HTTP " + r.result() : String.valueOf(r.cause()));
                    }
                });
    }

    private void retry(Delivery d, String why) {
        if (d.attempt >= settings.attempts()) {
            failed.incrementAndGet();
            pending.decrementAndGet();
            LOG.warn("webhook {} {} to {} given up after {} tries: {}", d.type, d.id, d.url, d.attempt, why);
            return;
        }
        retried.incrementAndGet();
        long base = settings.firstRetry().toMillis() << Math.min(20, d.attempt - 1);
        long delay = Math.min(settings.maxRetryDelay().toMillis(), base);
        delay = Math.max(1, Math.round(delay * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble())));
        LOG.debug("webhook {} {} to {}: try {} failed ({}), again in {} ms", d.type, d.id, d.url, d.attempt, why, delay);
        vertx.setTimer(delay, t -> context.runOnContext(v -> attempt(d)));
    }

    /** The lower-case hex HMAC-SHA256 of {@code timestamp + "." + body}. */
    String sign(String timestamp, Buffer body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return HexFormat.of().formatHex(mac.doFinal(body.getBytes()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    public long delivered() {
        return delivered.get();
    }

    /** Tries that failed and were scheduled again. */
    public long retried() {
        return retried.get();
    }

    /** Deliveries given up after the last try. */
    public long failed() {
        return failed.get();
    }

    /** Events not queued because {@code maxPending} deliveries were waiting. */
    public long dropped() {
        return dropped.get();
    }

    /** Deliveries in flight or waiting for their next try. */
    public int pending() {
        return pending.get();
    }

    @Override
    public void close() {
        closed = true;
        client.close();
    }

    private static final class Delivery {
        final URI url;
        final String type;
        final String id;
        final Buffer body;
        int attempt;

        Delivery(URI url, String type, String id, Buffer body) {
            this.url = url;
            this.type = type;
            this.id = id;
            this.body = body;
        }
    }
}
