package dev.amphi.ingest.webrtc.sdp;

import java.util.Locale;
import java.util.Objects;

/**
 * {@code a=fingerprint:<hash function> <hex bytes>} (RFC 8122): the hash of the peer's DTLS
 * certificate.
 *
 * @param algorithm the hash function in lower case, e.g. {@code sha-256}
 * @param value     upper-case hex byte pairs separated by ':'
 */
public record Fingerprint(String algorithm, String value) {
    public Fingerprint {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(value, "value");
        algorithm = algorithm.toLowerCase(Locale.ROOT);
        value = value.toUpperCase(Locale.ROOT);
        if (!value.matches("[0-9A-F]{2}(:[0-9A-F]{2})*")) {
            throw new IllegalArgumentException("a fingerprint is hex byte pairs separated by ':'");
        }
    }

    /** The number of bytes the hash function produces, or 0 for one Amphi does not accept. */
    static int digestLength(String algorithm) {
        return switch (algorithm) {
            case "sha-256" -> 32;
            case "sha-384" -> 48;
            case "sha-512" -> 64;
            default -> 0;
        };
    }

    /** Whether the hash function is one the DTLS layer accepts (SHA-256, -384, -512). */
    public boolean supported() {
        return digestLength(algorithm) != 0;
    }
}
