package dev.amphi.ingest.rtmp.flv;

import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;

/**
 * Maps the RTMP millisecond timestamps of one publish session onto the 90 kHz timeline of its
 * {@link MediaPacket}s: 32-bit wraps are unwrapped per track (each step is read as a signed 32-bit
 * difference), the first timestamp of the session (any track) becomes zero, so a publisher that
 * starts at a large timestamp still yields a timeline starting near zero, and each track's dts
 * never goes backwards (a step back is clamped to the previous dts; a track starting slightly
 * before the session's first timestamp is clamped to zero).
 *
 * <p>Not thread-safe: one per publish session, on its event loop.
 */
public final class Timeline {

    private boolean started;
    private long firstRaw;
    private final Track video = new Track();
    private final Track audio = new Track();

    private static final class Track {
        boolean started;
        long lastRaw;
        long unwrapped;
        long lastDts = Long.MIN_VALUE;
    }

    /**
     * @param kind         which track
     * @param rtmpTimestamp 32-bit RTMP timestamp in ms (0..2^32-1)
     * @return the dts in 90 kHz ticks, monotonic (non-decreasing) per track
     */
    public long dts(MediaKind kind, long rtmpTimestamp) {
        long raw = rtmpTimestamp & 0xFFFFFFFFL;
        if (!started) {
            started = true;
            firstRaw = raw;
        }
        Track t = kind == MediaKind.VIDEO ? video : audio;
        if (!t.started) {
            t.started = true;
            t.unwrapped = (int) (raw - firstRaw);
        } else {
            t.unwrapped += (int) (raw - t.lastRaw);
        }
        t.lastRaw = raw;
        long dts = MediaPacket.millisToTicks(Math.max(0, t.unwrapped));
        if (dts < t.lastDts) {
            dts = t.lastDts;
        }
        t.lastDts = dts;
        return dts;
    }
}
