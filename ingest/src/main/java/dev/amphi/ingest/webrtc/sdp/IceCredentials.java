package dev.amphi.ingest.webrtc.sdp;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * The server's ICE username fragment and password for one peer (RFC 8839 §5.4): a ufrag of 4-256
 * and a password of 22-256 ice-chars. {@link #random(SecureRandom)} draws a 16-character ufrag
 * (95 bits: it also tells peers apart on the shared UDP port) and a 32-character password (190
 * bits; the RFC asks for at least 24 and 128 bits of randomness).
 */
public record IceCredentials(String ufrag, String pwd) {

    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    public IceCredentials {
        Objects.requireNonNull(ufrag, "ufrag");
        Objects.requireNonNull(pwd, "pwd");
        if (!ufrag.matches("[A-Za-z0-9+/]{4,256}")) {
            throw new IllegalArgumentException("ICE ufrag must be 4-256 characters of A-Z a-z 0-9 + /");
        }
        if (!pwd.matches("[A-Za-z0-9+/]{22,256}")) {
            throw new IllegalArgumentException("ICE password must be 22-256 characters of A-Z a-z 0-9 + /");
        }
    }

    /** Fresh credentials from {@code random} (letters and digits only, so they survive any quoting). */
    public static IceCredentials random(SecureRandom random) {
        return new IceCredentials(draw(random, 16), draw(random, 32));
    }

    private static String draw(SecureRandom random, int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(out);
    }

    /** Leaves the password out, so that logging a record holding these cannot leak it. */
    @Override
    public String toString() {
        return "IceCredentials[ufrag=" + ufrag + ", pwd=(hidden)]";
    }
}
