package dev.amphi.ingest.webrtc.sdp;

/**
 * Bounds on what the parser reads, so that hostile input costs little: the whole description is
 * refused before any line is split when it is longer than {@code maxChars}.
 *
 * @param maxChars         the longest description, in characters (default 65 536; a browser's
 *                         audio+video offer is 4-7 KB)
 * @param maxMediaSections the most m= sections (default 32)
 * @param maxLineLength    the longest line without its line ending (default 4 096)
 */
public record SdpLimits(int maxChars, int maxMediaSections, int maxLineLength) {

    /** 64 KiB, 32 media sections, 4 096-character lines. */
    public static final SdpLimits DEFAULTS = new SdpLimits(64 * 1024, 32, 4096);

    public SdpLimits {
        if (maxChars < 64 || maxChars > 1024 * 1024) {
            throw new IllegalArgumentException("maxChars must be 64..1048576, was " + maxChars);
        }
        if (maxMediaSections < 1 || maxMediaSections > 256) {
            throw new IllegalArgumentException("maxMediaSections must be 1..256, was " + maxMediaSections);
        }
        if (maxLineLength < 64 || maxLineLength > maxChars) {
            throw new IllegalArgumentException("maxLineLength must be 64..maxChars, was " + maxLineLength);
        }
    }
}
