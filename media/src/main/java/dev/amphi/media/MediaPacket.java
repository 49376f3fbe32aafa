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
 * @param kind              video or audio
 * @param config            the decoder configuration this packet needs
 * @param dts               decode timestamp, 90 kHz
 * @param compositionOffset pts minus dts, 90 kHz, zero for audio; may be negative only in
 *                          pathological streams, which are accepted as they are
 * @param keyframe          true for an IDR access unit (video) and for every audio frame
 * @param data              payload, see above
 */
public record MediaPacket(MediaKind kind, CodecConfig config, long dts, int compositionOffset,
                          boolean keyframe, byte[] data) {

    /** Ticks per second of every timestamp in this package. */
    public static final int TIMESCALE = 90_000;

    public MediaPacket {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(data, "data");
        if (config.kind() != kind) {
            throw new IllegalArgumentException("a " + kind + " packet cannot carry a " + config.kind() + " config");
        }
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
                + " " + data.length + " bytes]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MediaPacket p && p.kind == kind && p.config.equals(config) && p.dts == dts
                && p.compositionOffset == compositionOffset && p.keyframe == keyframe
                && java.util.Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, dts, compositionOffset, keyframe) * 31 + java.util.Arrays.hashCode(data);
    }
}
