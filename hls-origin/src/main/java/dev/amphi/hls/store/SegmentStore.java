package dev.amphi.hls.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * In-memory segment store in two tiers. Objects a live playlist lists are <em>pinned</em>: held
 * strongly, never evicted. When a segment slides out of every playlist it is <em>retired</em> into
 * a Caffeine cache, where it stays for late readers and CDN misses for a retention time (RFC 8216
 * 6.2.2 asks for the segment's duration plus the playlist's after it leaves the playlist) or until
 * the byte bound (weigher = body size) evicts it, whichever comes first. Memory is therefore about
 * twice what the windows list, and never more than that plus {@code maxRetiredBytes}.
 *
 * <p>Thread-safe: the streams' worker threads publish and retire, the HTTP event loops read; no
 * call blocks.
 */
public final class SegmentStore {

    private final ConcurrentHashMap<String, StoredObject> pinned = new ConcurrentHashMap<>();
    private final AtomicLong pinnedBytes = new AtomicLong();
    private final Cache<String, StoredObject> retired;

    /** A store whose retired objects are only bounded by bytes. @param maxRetiredBytes at least 0 */
    public SegmentStore(long maxRetiredBytes) {
        this(maxRetiredBytes, null, Clock.systemUTC());
    }

    /**
     * @param maxRetiredBytes bytes of retired segments kept, at least 0
     * @param retention       how long a retired object stays after it left every playlist; null: until
     *                        the byte bound evicts it
     * @param clock           measures the retention
     */
    public SegmentStore(long maxRetiredBytes, Duration retention, Clock clock) {
        if (maxRetiredBytes < 0) {
            throw new IllegalArgumentException("max store bytes must not be negative, was " + maxRetiredBytes);
        }
        if (retention != null && (retention.isNegative() || retention.isZero())) {
            throw new IllegalArgumentException("retention must be positive, was " + retention);
        }
        Objects.requireNonNull(clock, "clock");
        Caffeine<String, StoredObject> b = Caffeine.newBuilder()
                .maximumWeight(maxRetiredBytes)
                .weigher((String key, StoredObject o) -> o.size())
                .executor(Runnable::run);
        if (retention != null) {
            b.expireAfterWrite(retention).ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()));
        }
        this.retired = b.build();
    }

    /** Publishes an object under {@code key}, pinned until {@link #retire}. Keys are never reused. */
    public void pin(String key, StoredObject object) {
        Objects.requireNonNull(object, "object");
        StoredObject old = pinned.put(Objects.requireNonNull(key, "key"), object);
        pinnedBytes.addAndGet(object.size() - (old == null ? 0 : old.size()));
    }

    /** Moves a pinned object to the byte-bounded cache; no-op when it is not pinned. */
    public void retire(String key) {
        StoredObject o = pinned.remove(key);
        if (o != null) {
            pinnedBytes.addAndGet(-o.size());
            retired.put(key, o);
        }
    }

    /** Drops every object whose key starts with {@code prefix}, pinned or not. */
    public void removeAll(String prefix) {
        for (Map.Entry<String, StoredObject> e : pinned.entrySet()) {
            if (e.getKey().startsWith(prefix) && pinned.remove(e.getKey(), e.getValue())) {
                pinnedBytes.addAndGet(-e.getValue().size());
            }
        }
        retired.asMap().keySet().removeIf(k -> k.startsWith(prefix));
    }

    /** The object, or null when unknown or evicted. */
    public StoredObject get(String key) {
        StoredObject o = pinned.get(key);
        return o != null ? o : retired.getIfPresent(key);
    }

    public long pinnedBytes() {
        return pinnedBytes.get();
    }

    /** Bytes currently held by the retired tier (after pending evictions). */
    public long retiredBytes() {
        retired.cleanUp();
        return retired.policy().eviction().map(ev -> ev.weightedSize().orElse(0)).orElse(0L);
    }

    /** Drops everything. */
    public void clear() {
        pinned.clear();
        pinnedBytes.set(0);
        retired.invalidateAll();
    }
}
