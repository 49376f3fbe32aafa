package dev.amphi.media;

/**
 * A track's decoder configuration, as carried by a sequence header. Immutable; a publisher that
 * changes its configuration mid-stream produces packets referring to a new instance.
 */
public sealed interface CodecConfig permits AvcConfig, AacConfig, Vp8Config, OpusConfig {

    /** Which kind of track this configuration describes. */
    MediaKind kind();

    /** The RFC 6381 codec string used in HLS {@code CODECS}, e.g. {@code avc1.64001f}, {@code mp4a.40.2}. */
    String rfc6381();

    /** The raw configuration record (AVCDecoderConfigurationRecord / AudioSpecificConfig); a copy. */
    byte[] record();
}
