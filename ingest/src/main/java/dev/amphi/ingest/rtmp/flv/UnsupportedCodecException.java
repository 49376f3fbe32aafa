package dev.amphi.ingest.rtmp.flv;

/** A publisher sent a codec that Amphi does not ingest; {@link #codec()} names it for the client. */
public final class UnsupportedCodecException extends RuntimeException {

    private final String codec;

    public UnsupportedCodecException(String codec) {
        super("unsupported codec " + codec + " (Amphi ingests H.264 video and AAC audio)");
        this.codec = codec;
    }

    /** A human-readable codec name, e.g. "HEVC" or "MP3". */
    public String codec() {
        return codec;
    }
}
