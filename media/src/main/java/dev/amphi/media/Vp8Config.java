package dev.amphi.media;

/**
 * VP8 decoder configuration. VP8 carries everything a decoder needs in its keyframes, so there is
 * no configuration record; this only names the codec and the picture size read from the last
 * keyframe header (RFC 6386, 9.1), so consumers can tell when the size changes.
 *
 * @param width  picture width in pixels (1..16383)
 * @param height picture height in pixels (1..16383)
 */
public record Vp8Config(int width, int height) implements CodecConfig {

    public Vp8Config {
        if (width < 1 || width > 0x3fff || height < 1 || height > 0x3fff) {
            throw new IllegalArgumentException("VP8 picture size must be 1..16383 on each side, was "
                    + width + "x" + height);
        }
    }

    @Override
    public MediaKind kind() {
        return MediaKind.VIDEO;
    }

    /** {@code vp8}, as in WebM and Media Source types (HLS has no VP8). */
    @Override
    public String rfc6381() {
        return "vp8";
    }

    /** Empty: VP8 has no out-of-band configuration. */
    @Override
    public byte[] record() {
        return new byte[0];
    }
}
