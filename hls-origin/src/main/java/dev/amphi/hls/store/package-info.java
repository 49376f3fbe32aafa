/**
 * The in-memory object store: {@link dev.amphi.hls.store.StoredObject} (immutable body, type,
 * validators, cache policy) and {@link dev.amphi.hls.store.SegmentStore}, which pins what
 * playlists list and keeps retired segments in a Caffeine cache for a retention time, bounded by
 * bytes. Thread-safe: workers write, event loops read, nothing blocks.
 */
package dev.amphi.hls.store;
