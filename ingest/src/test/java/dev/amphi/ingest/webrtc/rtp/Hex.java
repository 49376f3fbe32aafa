package dev.amphi.ingest.webrtc.rtp;

import java.util.HexFormat;

/** Hex fixtures: spaces, line breaks and comments from {@code --} to the end of a line are ignored, so a packet can be laid out field by field. */
final class Hex {

    private Hex() {
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("--[^\n]*", "").replaceAll("\\s+", ""));
    }

    static String of(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
