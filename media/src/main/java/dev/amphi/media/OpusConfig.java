package dev.amphi.media;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Opus decoder configuration. Opus always runs its RTP clock at 48 kHz (RFC 7587) and every packet
 * says its own frame size, so only the channel count is configuration; {@link #record()} is the
 * matching identification header (RFC 7845, 5.1: "OpusHead", mapping family 0, no pre-skip).
 * Every {@link MediaPacket} of an Opus track holds one Opus packet.
 *
 * @param channels 1 (mono) or 2 (stereo)
 */
public record OpusConfig(int channels) implements CodecConfig {

    /** The Opus clock rate in Hz, whatever the encoder's internal rate. */
    public static final int SAMPLE_RATE = 48_000;

    public OpusConfig {
        if (channels != 1 && channels != 2) {
            throw new IllegalArgumentException("Opus channel count must be 1 or 2, was " + channels);
        }
    }

    @Override
    public MediaKind kind() {
        return MediaKind.AUDIO;
    }

    @Override
    public String rfc6381() {
        return "opus";
    }

    /** The 19-byte OpusHead for these channels (mapping family 0). */
    @Override
    public byte[] record() {
        ByteBuffer b = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN);
        b.put("OpusHead".getBytes(StandardCharsets.US_ASCII));
        b.put((byte) 1); // version
        b.put((byte) channels);
        b.putShort((short) 0); // pre-skip
        b.putInt(SAMPLE_RATE); // input sample rate (informational)
        b.putShort((short) 0); // output gain
        b.put((byte) 0); // channel mapping family
        return b.array();
    }
}
