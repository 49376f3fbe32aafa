package dev.amphi.ingest.webrtc.sdp;

import java.util.Objects;

/**
 * {@code a=rtpmap:<pt> <encoding>/<clock rate>[/<channels>]}.
 *
 * @param channels the channel count, 1 when the line gives none
 */
public record RtpMap(int payloadType, String encoding, int clockRate, int channels) {
    public RtpMap {
        Objects.requireNonNull(encoding, "encoding");
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type must be 0..127, was " + payloadType);
        }
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive, was " + clockRate);
        }
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be at least 1, was " + channels);
        }
    }

    /** Whether this is {@code encoding}/{@code clockRate} (the name compared case-insensitively). */
    public boolean is(String name, int rate) {
        return encoding.equalsIgnoreCase(name) && clockRate == rate;
    }
}
