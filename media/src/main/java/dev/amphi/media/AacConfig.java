package dev.amphi.media;

import java.util.Arrays;

/**
 * AAC decoder configuration: an AudioSpecificConfig (ISO/IEC 14496-3, 1.6.2.1) as sent in the
 * FLV/RTMP AAC sequence header and stored in the MP4 {@code esds} box.
 *
 * @param record     the raw AudioSpecificConfig
 * @param objectType audio object type (2 = AAC-LC, 5 = SBR/HE-AAC, 29 = PS)
 * @param sampleRate sampling frequency in Hz
 * @param channels   channel configuration (1 = mono, 2 = stereo, ...; 0 = defined in-band)
 */
public record AacConfig(byte[] record, int objectType, int sampleRate, int channels) implements CodecConfig {

    /** Samples per AAC-LC frame; every {@link MediaPacket} of an AAC track holds one frame. */
    public static final int SAMPLES_PER_FRAME = 1024;

    private static final int[] SAMPLE_RATES = {
        96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350
    };

    public AacConfig {
        record = record.clone();
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("AAC sample rate must be positive, was " + sampleRate);
        }
        if (objectType <= 0) {
            throw new IllegalArgumentException("AAC object type must be positive, was " + objectType);
        }
    }

    /**
     * Parses an AudioSpecificConfig.
     *
     * @throws IllegalArgumentException naming what is wrong when it is truncated or invalid
     */
    public static AacConfig parse(byte[] asc) {
        if (asc.length < 2) {
            throw new IllegalArgumentException("AudioSpecificConfig too short: " + asc.length + " bytes");
        }
        BitReader r = new BitReader(asc);
        int objectType = r.bits(5);
        if (objectType == 31) {
            objectType = 32 + r.bits(6);
        }
        if (objectType == 0) {
            throw new IllegalArgumentException("AudioSpecificConfig has audio object type 0 (null object)");
        }
        int index = r.bits(4);
        int rate;
        if (index == 15) {
            rate = r.bits(24);
        } else if (index < SAMPLE_RATES.length) {
            rate = SAMPLE_RATES[index];
        } else {
            throw new IllegalArgumentException("AudioSpecificConfig has reserved sampling frequency index " + index);
        }
        int channels = r.bits(4);
        return new AacConfig(asc, objectType, rate, channels);
    }

    /** Builds the two-byte AudioSpecificConfig for plain AAC-LC. */
    public static AacConfig lc(int sampleRate, int channels) {
        int index = -1;
        for (int i = 0; i < SAMPLE_RATES.length; i++) {
            if (SAMPLE_RATES[i] == sampleRate) {
                index = i;
            }
        }
        if (index < 0) {
            throw new IllegalArgumentException("no AAC sampling frequency index for " + sampleRate + " Hz");
        }
        int v = (2 << 11) | (index << 7) | (channels << 3);
        return new AacConfig(new byte[] {(byte) (v >> 8), (byte) v}, 2, sampleRate, channels);
    }

    @Override
    public MediaKind kind() {
        return MediaKind.AUDIO;
    }

    @Override
    public String rfc6381() {
        return "mp4a.40." + objectType;
    }

    @Override
    public byte[] record() {
        return record.clone();
    }

    /** Duration of one frame in {@link MediaPacket#TIMESCALE} ticks (may be fractional; rounded). */
    public long frameDurationTicks() {
        return Math.round((double) SAMPLES_PER_FRAME * MediaPacket.TIMESCALE / sampleRate);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AacConfig c && Arrays.equals(c.record, record);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(record);
    }

    @Override
    public String toString() {
        return "AacConfig[" + rfc6381() + ", " + sampleRate + " Hz, " + channels + " ch]";
    }

    private static final class BitReader {
        private final byte[] b;
        private int bit;

        BitReader(byte[] b) {
            this.b = b;
        }

        int bits(int n) {
            int v = 0;
            for (int i = 0; i < n; i++) {
                int byteIndex = bit >> 3;
                if (byteIndex >= b.length) {
                    throw new IllegalArgumentException("AudioSpecificConfig truncated at bit " + bit);
                }
                v = (v << 1) | ((b[byteIndex] >> (7 - (bit & 7))) & 1);
                bit++;
            }
            return v;
        }
    }
}
