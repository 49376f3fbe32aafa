package dev.amphi.core.comments;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Who may post now. Token buckets per viewer (in a room), per address and per room (a ceiling for
 * the whole room), plus an optional slow mode per room (a viewer posts at most once per interval).
 * A post is admitted only when every rule lets it through, and only then does it take from the
 * buckets, so a refused post costs the poster nothing. A refusal names its rule and when to try
 * again (the API's {@code 429} with {@code Retry-After}).
 *
 * <p>Memory is bounded: the state of viewers and addresses that have not posted for a while
 * expires, and at most {@link #MAX_TRACKED} of each are kept. Thread-safe; {@link #admit} takes one
 * bucket's lock at a time, so two posts racing may overshoot a bucket by one, never more.
 */
public final class FloodControl {

    /** Most viewers (and, separately, addresses) tracked at once. */
    static final long MAX_TRACKED = 1_000_000;

    /** {@code burst} posts at once, then one per {@code every}. */
    public record Rate(int burst, Duration every) {
        public Rate {
            if (burst < 1) {
                throw new IllegalArgumentException("a rate's burst must be at least 1, was " + burst);
            }
            Objects.requireNonNull(every, "every");
            if (every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("a rate's interval must be positive, was " + every);
            }
        }
    }

    /**
     * @param viewer  a viewer in one room; default burst 3, then one per 2 s
     * @param address one address, all rooms; default burst 30, then 10 a second (generous: a whole
     *                company's audience may share one NAT address)
     * @param room    one room, everyone; default burst 400, then 200 a second
     */
    public record Limits(Rate viewer, Rate address, Rate room) {
        public Limits {
            Objects.requireNonNull(viewer, "viewer");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(room, "room");
        }

        public static Limits defaults() {
            return new Limits(new Rate(3, Duration.ofSeconds(2)), new Rate(30, Duration.ofMillis(100)),
                    new Rate(400, Duration.ofMillis(5)));
        }
    }

    /** Why a post was refused ({@code viewer-rate}, {@code address-rate}, {@code room-rate}, {@code slow-mode}) and when to retry. */
    public record Refusal(String rule, Duration retryAfter) {
    }

    private final Limits limits;
    private final LongSupplier nanoTime;
    private final Cache<String, Bucket> viewers;
    private final Cache<String, Bucket> addresses;
    private final Cache<String, Long> lastPost;
    private final Map<String, Bucket> rooms = new ConcurrentHashMap<>();

    public FloodControl(Limits limits, LongSupplier nanoTime) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.viewers = cache(limits.viewer());
        this.addresses = cache(limits.address());
        this.lastPost = Caffeine.newBuilder().ticker(nanoTime::getAsLong).maximumSize(MAX_TRACKED)
                .expireAfterWrite(Duration.ofHours(1)).build();
    }

    /** A bucket untouched for as long as it takes to fill again is as good as new: it may go. */
    private Cache<String, Bucket> cache(Rate r) {
        return Caffeine.newBuilder().ticker(nanoTime::getAsLong).maximumSize(MAX_TRACKED)
                .expireAfterAccess(r.every().multipliedBy(r.burst()).plusSeconds(1)).build();
    }

    /** {@link #admit(String, String, String, Duration)} without slow mode. */
    public Optional<Refusal> admit(String room, String viewer, String address) {
        return admit(room, viewer, address, Duration.ZERO);
    }

    /**
     * Admits a post of {@code viewer} from {@code address} to {@code room}, taking from every bucket,
     * or refuses it taking nothing. {@code slowMode} is the room's slow mode (zero: off): a viewer
     * posts at most once per that interval.
     */
    public Optional<Refusal> admit(String room, String viewer, String address, Duration slowMode) {
        long now = nanoTime.getAsLong();
        String viewerKey = room + '\n' + viewer;
        Duration slow = slowMode.isZero() || slowMode.isNegative() ? null : slowMode;
        if (slow != null) {
            Long last = lastPost.getIfPresent(viewerKey);
            if (last != null && now - last < slow.toNanos()) {
                return Optional.of(new Refusal("slow-mode", Duration.ofNanos(slow.toNanos() - (now - last))));
            }
        }
        Bucket v = viewers.get(viewerKey, k -> new Bucket(limits.viewer(), now));
        Bucket a = addresses.get(address, k -> new Bucket(limits.address(), now));
        Bucket r = rooms.computeIfAbsent(room, k -> new Bucket(limits.room(), now));
        long wait;
        if ((wait = v.waitNanos(now)) > 0) {
            return Optional.of(new Refusal("viewer-rate", Duration.ofNanos(wait)));
        }
        if ((wait = a.waitNanos(now)) > 0) {
            return Optional.of(new Refusal("address-rate", Duration.ofNanos(wait)));
        }
        if ((wait = r.waitNanos(now)) > 0) {
            return Optional.of(new Refusal("room-rate", Duration.ofNanos(wait)));
        }
        v.take(now);
        a.take(now);
        r.take(now);
        if (slow != null) {
            lastPost.put(viewerKey, now);
        }
        return Optional.empty();
    }

    /** A token bucket: {@code burst} tokens, one more every {@code every}. */
    private static final class Bucket {
        private final int burst;
        private final long every;
        private double tokens;
        private long at;

        Bucket(Rate rate, long now) {
            this.burst = rate.burst();
            this.every = rate.every().toNanos();
            this.tokens = burst;
            this.at = now;
        }

        private void refill(long now) {
            if (now > at) {
                tokens = Math.min(burst, tokens + (double) (now - at) / every);
                at = now;
            }
        }

        /** 0 when a token is there now; else how long until one is. */
        synchronized long waitNanos(long now) {
            refill(now);
            return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) * every);
        }

        synchronized void take(long now) {
            refill(now);
            tokens -= 1;
        }
    }
}
