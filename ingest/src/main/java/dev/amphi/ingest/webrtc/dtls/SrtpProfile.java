package dev.amphi.ingest.webrtc.dtls;

import java.util.Optional;

/**
 * The SRTP protection profiles Amphi negotiates in DTLS's {@code use_srtp} extension (RFC 5764,
 * RFC 7714), in order of preference: browsers offer both; GCM costs one pass over the payload.
 */
public enum SrtpProfile {
    /** AES-128 in GCM mode, 16-byte tag (RFC 7714). */
    AEAD_AES_128_GCM(0x0007, 16, 12, 16, 0),
    /** AES-128 counter mode with an 80-bit HMAC-SHA1 tag (RFC 3711, RFC 5764). */
    AES128_CM_HMAC_SHA1_80(0x0001, 16, 14, 10, 20);

    private final int id;
    private final int keyLength;
    private final int saltLength;
    private final int tagLength;
    private final int authKeyLength;

    SrtpProfile(int id, int keyLength, int saltLength, int tagLength, int authKeyLength) {
        this.id = id;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.tagLength = tagLength;
        this.authKeyLength = authKeyLength;
    }

    /** The profile's number in the {@code use_srtp} extension. */
    public int id() {
        return id;
    }

    /** Master key length in bytes. */
    public int keyLength() {
        return keyLength;
    }

    /** Master salt length in bytes. */
    public int saltLength() {
        return saltLength;
    }

    /** Bytes each protected packet grows by (the tag; SRTCP adds 4 for its index). */
    public int tagLength() {
        return tagLength;
    }

    int authKeyLength() {
        return authKeyLength;
    }

    boolean aead() {
        return authKeyLength == 0;
    }

    /** Bytes of DTLS keying material this profile needs: two keys and two salts. */
    public int keyingMaterialLength() {
        return 2 * (keyLength + saltLength);
    }

    /** The profile with this {@code use_srtp} number, if Amphi supports it. */
    public static Optional<SrtpProfile> byId(int id) {
        for (SrtpProfile p : values()) {
            if (p.id == id) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
