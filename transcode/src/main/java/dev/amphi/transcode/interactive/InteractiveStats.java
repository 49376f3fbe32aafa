package dev.amphi.transcode.interactive;

/**
 * Counters of a room's interactive rendition since the program was built.
 *
 * @param subscribers      subscribers now
 * @param framesEncoded    video frames encoded
 * @param framesDropped    canvases not encoded because the encoder was still busy with earlier ones
 * @param keyframesForced  IDRs forced by {@link InteractiveProgram#requestKeyframe()} (after rate limiting)
 * @param encodeNanos      time spent in the video encoder (scaling excluded), all frames
 * @param delayNanos       canvas handed over to packet ready (queue wait, scale, encode), summed over frames
 * @param maxDelayNanos    the longest of those
 * @param mixesEncoded     Opus frames encoded, all mixes together (N+1 mixes, 50 frames each per second)
 * @param mixesRunning     Opus mixes encoding now (0 without listeners)
 * @param subscriberDrops  packets dropped because a subscriber's sink fell behind, all subscribers
 */
public record InteractiveStats(int subscribers, long framesEncoded, long framesDropped, long keyframesForced,
                               long encodeNanos, long delayNanos, long maxDelayNanos, long mixesEncoded,
                               int mixesRunning, long subscriberDrops) {

    /** Nothing yet. */
    public static final InteractiveStats NONE = new InteractiveStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public InteractiveStats {
        if (subscribers < 0 || framesEncoded < 0 || framesDropped < 0 || keyframesForced < 0 || encodeNanos < 0
                || delayNanos < 0 || maxDelayNanos < 0 || mixesEncoded < 0 || mixesRunning < 0 || subscriberDrops < 0) {
            throw new IllegalArgumentException("counters cannot be negative");
        }
    }

    /** Mean encode time per video frame, milliseconds (0 before the first frame). */
    public double meanEncodeMillis() {
        return framesEncoded == 0 ? 0 : encodeNanos / 1e6 / framesEncoded;
    }

    /** Mean delay from canvas to packet, milliseconds (0 before the first frame). */
    public double meanDelayMillis() {
        return framesEncoded == 0 ? 0 : delayNanos / 1e6 / framesEncoded;
    }
}
