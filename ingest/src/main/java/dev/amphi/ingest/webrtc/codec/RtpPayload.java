package dev.amphi.ingest.webrtc.codec;

import java.util.Objects;

/**
 * The parts of one RTP packet that a payload format needs.
 *
 * @param sequenceNumber 16-bit sequence number, 0..65535
 * @param timestamp      32-bit RTP timestamp, 0..2^32-1, in the payload format's clock
 * @param marker         the marker bit (last packet of a video frame)
 * @param payload        the payload after the RTP header, extensions and padding; owned by this record
 */
public record RtpPayload(int sequenceNumber, long timestamp, boolean marker, byte[] payload) {

    public RtpPayload {
        Objects.requireNonNull(payload, "payload");
        if (sequenceNumber < 0 || sequenceNumber > 0xffff) {
            throw new IllegalArgumentException("RTP sequence number must be 0..65535, was " + sequenceNumber);
        }
        if (timestamp < 0 || timestamp > 0xffffffffL) {
            throw new IllegalArgumentException("RTP timestamp must be 0..2^32-1, was " + timestamp);
        }
    }

    @Override
    public String toString() {
        return "RtpPayload[seq=" + sequenceNumber + " ts=" + timestamp + (marker ? " M" : "") + " "
                + payload.length + " bytes]";
    }
}
