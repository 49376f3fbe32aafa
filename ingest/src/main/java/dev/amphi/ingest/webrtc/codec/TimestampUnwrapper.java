package dev.amphi.ingest.webrtc.codec;

/**
 * Unwraps 32-bit RTP timestamps (each step read as a signed 32-bit difference) onto a timeline that
 * starts at zero with the first timestamp and never goes backwards (a step back is clamped).
 */
final class TimestampUnwrapper {

    private boolean started;
    private long last;
    private long unwrapped;
    private long lastOut;

    /** The unwrapped, non-decreasing timestamp, in the RTP clock, relative to the first one. */
    long unwrap(long rtpTimestamp) {
        if (!started) {
            started = true;
            last = rtpTimestamp;
            return 0;
        }
        unwrapped += (int) (rtpTimestamp - last);
        last = rtpTimestamp;
        lastOut = Math.max(lastOut, unwrapped);
        return lastOut;
    }
}
