package dev.amphi.hls.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * In-memory segment store in two tiers. Objects a live playlist lists are <em>pinned</em>: held
 * strongly, never evicted. When a segment slides out of every playlist it is <em>retired</em> into
 * a Caffeine cache bounded by bytes (weigher = body size), where it stays for late readers and CDN
 * misses until the byte bound evicts it. Memory is therefore bounded by what the windows list plus
 * {@code maxRetiredBytes}.
 *
 * <p>Thread-safe: the streams' worker threads publish and retire, the HTTP event loops read; no
 * call blocks.
 */
public final class SegmentStore {

    private final ConcurrentHashMap<String, StoredObject> pinned = new ConcurrentHashMap<>();
    private final AtomicLong pinnedBytes = new AtomicLong();
    private final Cache<String, StoredObject> retired;

    /** @param maxRetiredBytes bytes of retired segments kept, at least 0 */
    public SegmentStore(long maxRetiredBytes) {
        if (maxRetiredBytes < 0) {
            throw new IllegalArgumentException("max store bytes must not be negative, was " + maxRetiredBytes);
        }
        this.retired = Caffeine.newBuilder()
                .maximumWeight(maxRetiredBytes)
                .weigher((String key, StoredObject o) -> o.size())
                .executor(Runnable::run)
                .build();
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
