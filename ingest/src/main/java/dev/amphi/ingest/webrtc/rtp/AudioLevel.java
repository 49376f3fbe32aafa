package dev.amphi.ingest.webrtc.rtp;

/**
 * The client-to-mixer audio level of RFC 6464: {@code level} is the packet's audio level in -dBov
 * (0 is the loudest, 127 is silence or quieter) and {@code voiceActivity} the sender's voice
 * activity flag (the V bit), which senders that do not detect voice leave clear.
 */
public record AudioLevel(boolean voiceActivity, int level) {

    public AudioLevel {
        if (level < 0 || level > 127) {
            throw new IllegalArgumentException("audio level " + level + " outside 0..127 (-dBov)");
        }
    }

    /** Reads the element's data: one byte, V in its top bit, the level in the other seven. */
    public static AudioLevel parse(byte[] data) {
        if (data.length < 1) {
            throw new RtpFormatException("audio level extension element is empty (needs 1 byte)");
        }
        return new AudioLevel((data[0] & 0x80) != 0, data[0] & 0x7f);
    }

    /** The element's data: one byte. */
    public byte[] toBytes() {
        return new byte[] {(byte) ((voiceActivity ? 0x80 : 0) | level)};
    }
}
