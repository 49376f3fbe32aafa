package dev.amphi.ingest.rtmp.handshake;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server side of the RTMP handshake as pure functions (RTMP spec 5.2, plus the digest scheme
 * that Flash Player 9+ and FFmpeg use). Two C1 styles are answered:
 * <ul>
 *   <li><b>plain</b> (librtmp, OBS): S1 is time, zero and random bytes; S2 echoes C1.</li>
 *   <li><b>digest</b>: C1 carries an HMAC-SHA256 digest (keyed with the first 30 bytes of the
 *       "Genuine Adobe Flash Player 001" key) at an offset derived from bytes 8..11 (scheme 0) or
 *       772..775 (scheme 1). S1 then carries the server's digest at the same scheme's offset
 *       (keyed with the first 36 bytes of the "Genuine Adobe Flash Media Server 001" key), and the
 *       last 32 bytes of S2 are an HMAC of the rest of S2 keyed with HMAC(full FMS key, C1's digest),
 *       which is what a digest-checking client verifies.</li>
 * </ul>
 */
public final class Handshake {

    /** Size of C1, C2, S1 and S2. */
    public static final int PACKET_SIZE = 1536;
    /** The only RTMP version accepted in C0 (6 would be RTMPE, which is not supported). */
    public static final int VERSION = 3;

    static final int DIGEST_SIZE = 32;
    private static final byte[] KEY_TAIL = {
        (byte) 0xF0, (byte) 0xEE, (byte) 0xC2, (byte) 0x4A, (byte) 0x80, (byte) 0x68, (byte) 0xBE, (byte) 0xE8,
        (byte) 0x2E, (byte) 0x00, (byte) 0xD0, (byte) 0xD1, (byte) 0x02, (byte) 0x9E, (byte) 0x7E, (byte) 0x57,
        (byte) 0x6E, (byte) 0xEC, (byte) 0x5D, (byte) 0x2D, (byte) 0x29, (byte) 0x80, (byte) 0x6F, (byte) 0xAB,
        (byte) 0x93, (byte) 0xB8, (byte) 0xE6, (byte) 0x36, (byte) 0xCF, (byte) 0xEB, (byte) 0x31, (byte) 0xAE
    };
    /** "Genuine Adobe Flash Player 001" + KEY_TAIL; C1 digests use the first 30 bytes. */
    static final byte[] PLAYER_KEY = concat("Genuine Adobe Flash Player 001", KEY_TAIL);
    static final int PLAYER_KEY_TEXT = 30;
    /** "Genuine Adobe Flash Media Server 001" + KEY_TAIL; S1 digests use the first 36 bytes. */
    static final byte[] SERVER_KEY = concat("Genuine Adobe Flash Media Server 001", KEY_TAIL);
    static final int SERVER_KEY_TEXT = 36;
    /** The version we put into a digest-style S1 (a nonzero version signals the digest scheme). */
    private static final byte[] SERVER_VERSION = {4, 5, 0, 1};

    private Handshake() {
    }

    /** Which C1 style a client sent. */
    public enum Style { PLAIN, DIGEST_SCHEME_0, DIGEST_SCHEME_1 }

    /** Detects the C1 style by validating the digest of scheme 0, then scheme 1. */
    public static Style detect(byte[] c1) {
        if (c1.length != PACKET_SIZE) {
            throw new IllegalArgumentException("C1 must be " + PACKET_SIZE + " bytes, was " + c1.length);
        }
        if (c1[4] == 0 && c1[5] == 0 && c1[6] == 0 && c1[7] == 0) {
            return Style.PLAIN;
        }
        for (int scheme = 0; scheme <= 1; scheme++) {
            int offset = digestOffset(c1, scheme);
            byte[] expected = digest(c1, offset, Arrays.copyOf(PLAYER_KEY, PLAYER_KEY_TEXT));
            if (MessageDigest.isEqual(expected, Arrays.copyOfRange(c1, offset, offset + DIGEST_SIZE))) {
                return scheme == 0 ? Style.DIGEST_SCHEME_0 : Style.DIGEST_SCHEME_1;
            }
        }
        return Style.PLAIN;
    }

    /**
     * Builds S1 and S2 (each {@link #PACKET_SIZE} bytes) answering {@code c1}.
     *
     * @param c1    the client's C1
     * @param time  our epoch in ms for S1's time field
     * @param random source of the random filler
     */
    public static byte[][] answer(byte[] c1, long time, Random random) {
        Style style = detect(c1);
        byte[] s1 = new byte[PACKET_SIZE];
        random.nextBytes(s1);
        writeInt(s1, 0, (int) time);
        if (style == Style.PLAIN) {
            writeInt(s1, 4, 0);
            return new byte[][] {s1, c1.clone()};
        }
        int scheme = style == Style.DIGEST_SCHEME_0 ? 0 : 1;
        System.arraycopy(SERVER_VERSION, 0, s1, 4, 4);
        int s1Offset = digestOffset(s1, scheme);
        byte[] s1Digest = digest(s1, s1Offset, Arrays.copyOf(SERVER_KEY, SERVER_KEY_TEXT));
        System.arraycopy(s1Digest, 0, s1, s1Offset, DIGEST_SIZE);

        int c1Offset = digestOffset(c1, scheme);
        byte[] c1Digest = Arrays.copyOfRange(c1, c1Offset, c1Offset + DIGEST_SIZE);
        byte[] s2 = new byte[PACKET_SIZE];
        random.nextBytes(s2);
        byte[] s2Key = hmac(SERVER_KEY, c1Digest, 0, c1Digest.length);
        byte[] s2Digest = hmac(s2Key, s2, 0, PACKET_SIZE - DIGEST_SIZE);
        System.arraycopy(s2Digest, 0, s2, PACKET_SIZE - DIGEST_SIZE, DIGEST_SIZE);
        return new byte[][] {s1, s2};
    }

    /** Offset of the 32-byte digest in a C1/S1 under {@code scheme} 0 or 1. */
    static int digestOffset(byte[] packet, int scheme) {
        int base = scheme == 0 ? 8 : 772;
        int sum = (packet[base] & 0xff) + (packet[base + 1] & 0xff) + (packet[base + 2] & 0xff) + (packet[base + 3] & 0xff);
        return base + 4 + sum % 728;
    }

    /** HMAC-SHA256 of {@code packet} without the 32 bytes at {@code offset}. */
    static byte[] digest(byte[] packet, int offset, byte[] key) {
        byte[] joined = new byte[packet.length - DIGEST_SIZE];
        System.arraycopy(packet, 0, joined, 0, offset);
        System.arraycopy(packet, offset + DIGEST_SIZE, joined, offset, packet.length - offset - DIGEST_SIZE);
        return hmac(key, joined, 0, joined.length);
    }

    static byte[] hmac(byte[] key, byte[] data, int off, int len) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(data, off, len);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static void writeInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static byte[] concat(String text, byte[] tail) {
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(t, t.length + tail.length);
        System.arraycopy(tail, 0, out, t.length, tail.length);
        return out;
    }
}
