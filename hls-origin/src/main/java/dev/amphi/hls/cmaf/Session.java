package dev.amphi.hls.cmaf;

import dev.amphi.media.MediaPacket;
import java.time.Duration;
import java.time.Instant;

/**
 * One publish session: maps the publisher's timestamps (which restart near zero) onto the stream's
 * monotonic media timeline, and media time onto the wall clock. The offset may still move up
 * while nothing of the session has been published (a track whose first packet is earlier than the
 * first packet seen); it is frozen by the first published segment.
 */
final class Session {

    final Instant wallAtFirstPacket;
    final long firstRawDts;
    long offset;
    boolean frozen;
    boolean videoSeen;
    boolean audioSeen;
    /** Raw dts of the first keyframe any video track of the session started with; valid when {@link #videoOriginSet}. */
    long videoOrigin;
    boolean videoOriginSet;
    /** Every video track of the session ended on its own while audio goes on. */
    boolean videoStopped;

    Session(Instant wall, long firstRawDts, long timelineEnd90k) {
        this.wallAtFirstPacket = wall;
        this.firstRawDts = firstRawDts;
        this.offset = timelineEnd90k - firstRawDts;
    }

    /** Makes sure a track whose published media ends at {@code trackEnd90k} does not go backwards. */
    void admitTrack(long firstRawDts, long trackEnd90k) {
        long needed = trackEnd90k - firstRawDts;
        if (!frozen && needed > offset) {
            offset = needed;
        }
    }

    long mapped(long rawDts) {
        return rawDts + offset;
    }

    /** Wall-clock time of a point of the media timeline, given in 90 kHz ticks. */
    Instant wallAt(long mapped90k) {
        long sinceFirst = mapped90k - offset - firstRawDts;
        return wallAtFirstPacket.plus(Duration.ofNanos(sinceFirst * 100_000L / 9));
    }

    static long toTicks(long time, int fromTimescale, int toTimescale) {
        return Math.floorDiv(time * toTimescale + fromTimescale / 2, fromTimescale);
    }

    static long to90k(long time, int timescale) {
        return toTicks(time, timescale, MediaPacket.TIMESCALE);
    }
}
