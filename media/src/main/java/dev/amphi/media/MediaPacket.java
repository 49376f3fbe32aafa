package dev.amphi.media;

import java.util.Objects;

/**
 * One access unit of one track: the neutral unit between ingest and every consumer.
 *
 * <p>Timestamps are in {@link #TIMESCALE} units (90 kHz) on a monotonic, unwrapped timeline that
 * starts near zero for each publish session. {@code pts = dts + compositionOffset}.
 *
 * <p>Payload format: for H.264, the NAL units of one access unit, each prefixed with its length in
 * {@link AvcConfig#nalLengthSize()} bytes (AVCC, as in FLV and MP4); for AAC, one raw AAC frame
 * without ADTS header. The payload array is owned by the packet: nobody mutates it after
 * construction.
 *
 * <p>An audio packet may carry the sender's own measure of its loudness ({@link #audioLevel()}, the
 * RTP audio-level header extension of RFC 6464 that WebRTC senders add): consumers may use it to
 * rank or skip a speaker without decoding the packet. Packets without one (RTMP, video) say
 * {@link #NO_AUDIO_LEVEL}.
 *
 * @param kind              video or audio
 * @param config            the decoder configuration this packet needs
 * @param dts               decode timestamp, 90 kHz
 * @param compositionOffset pts minus dts, 90 kHz, zero for audio; may be negative only in
 *                          pathological streams, which are accepted as they are
 * @param keyframe          true for an IDR access unit (video) and for every audio frame
 * @param data              payload, see above
 * @param audioLevel        the sender's level of this audio packet in -dBov, 0 (loudest) to 127 (silence
 *                          or quieter), as RFC 6464 codes it; {@link #NO_AUDIO_LEVEL} when unknown
 */
public record MediaPacket(MediaKind kind, CodecConfig config, long dts, int compositionOffset,
                          boolean keyframe, byte[] data, int audioLevel) {

    /** Ticks per second of every timestamp in this package. */
    public static final int TIMESCALE = 90_000;
    /** {@link #audioLevel()} of a packet whose sender said nothing about its level. */
    public static final int NO_AUDIO_LEVEL = -1;
    /** {@link #audioLevel()} of silence (RFC 6464: -127 dBov or quieter). */
    public static final int SILENT_AUDIO_LEVEL = 127;

    public MediaPacket {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(data, "data");
        if (config.kind() != kind) {
            throw new IllegalArgumentException("a " + kind + " packet cannot carry a " + config.kind() + " config");
        }
        if (audioLevel != NO_AUDIO_LEVEL && (kind != MediaKind.AUDIO || audioLevel < 0 || audioLevel > SILENT_AUDIO_LEVEL)) {
            throw new IllegalArgumentException("audio level must be 0..127 (-dBov) on an audio packet, or "
                    + NO_AUDIO_LEVEL + ", was " + audioLevel + " on a " + kind + " packet");
        }
    }

    /** A packet without an audio level ({@link #NO_AUDIO_LEVEL}). */
    public MediaPacket(MediaKind kind, CodecConfig config, long dts, int compositionOffset, boolean keyframe,
                       byte[] data) {
        this(kind, config, dts, compositionOffset, keyframe, data, NO_AUDIO_LEVEL);
    }

    /** This packet with the sender's audio level (0..127 -dBov, or {@link #NO_AUDIO_LEVEL}); the payload is shared. */
    public MediaPacket withAudioLevel(int level) {
        return level == audioLevel ? this : new MediaPacket(kind, config, dts, compositionOffset, keyframe, data, level);
    }

    /** Whether the sender said how loud this packet is. */
    public boolean hasAudioLevel() {
        return audioLevel != NO_AUDIO_LEVEL;
    }

    /** Presentation timestamp, 90 kHz. */
    public long pts() {
        return dts + compositionOffset;
    }

    /** Converts milliseconds to {@link #TIMESCALE} ticks. */
    public static long millisToTicks(long millis) {
        return millis * (TIMESCALE / 1000);
    }

    @Override
    public String toString() {
        return "MediaPacket[" + kind + " dts=" + dts + " cto=" + compositionOffset + (keyframe ? " key" : "")
                + " " + data.length + " bytes" + (hasAudioLevel() ? " level=-" + audioLevel + "dBov" : "") + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MediaPacket p && p.kind == kind && p.config.equals(config) && p.dts == dts
                && p.compositionOffset == compositionOffset && p.keyframe == keyframe && p.audioLevel == audioLevel
                && java.util.Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, dts, compositionOffset, keyframe, audioLevel) * 31 + java.util.Arrays.hashCode(data);
    }
}
