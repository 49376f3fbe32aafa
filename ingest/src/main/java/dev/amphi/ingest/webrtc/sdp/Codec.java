package dev.amphi.ingest.webrtc.sdp;

import java.util.Objects;

/**
 * A negotiated RTP payload format.
 *
 * @param payloadType the payload type both sides use for it
 * @param encoding    the encoding name as the offer spelled it, e.g. {@code H264}, {@code opus}
 * @param clockRate   the RTP clock rate (48000 for Opus, 90000 for video)
 * @param channels    the channel count (2 for Opus, 1 for video)
 * @param fmtp        the format parameters the answer states, "" for none
 */
public record Codec(int payloadType, String encoding, int clockRate, int channels, String fmtp) {
    public Codec {
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(fmtp, "fmtp");
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type must be 0..127, was " + payloadType);
        }
        if (clockRate <= 0 || channels < 1) {
            throw new IllegalArgumentException("clock rate and channels must be positive");
        }
    }
}
