package dev.amphi.hls;

import java.time.Clock;
import java.time.Duration;

/** Placeholder until the segmenter lands: it keeps the reactor compiling. */
final class HlsOriginBuilder implements HlsOrigin.Builder {
    @Override public HlsOrigin.Builder targetDuration(Duration duration) { return this; }
    @Override public HlsOrigin.Builder windowSize(int segments) { return this; }
    @Override public HlsOrigin.Builder maxStoreBytes(long bytes) { return this; }
    @Override public HlsOrigin.Builder clock(Clock clock) { return this; }
    @Override public HlsOrigin build() { throw new UnsupportedOperationException("HLS origin not implemented yet"); }
}
