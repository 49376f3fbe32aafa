package dev.amphi.ingest.webrtc.dtls;

import java.util.Arrays;
import java.util.Objects;

/**
 * The SRTP master keys and salts of both sides of a DTLS-SRTP association, split from the
 * exported keying material as RFC 5764 section 4.2 lays it out: client key, server key, client
 * salt, server salt. The DTLS client's keys protect what it sends; the server's what it sends.
 */
public record SrtpKeys(SrtpProfile profile, byte[] clientKey, byte[] clientSalt, byte[] serverKey, byte[] serverSalt) {

    public SrtpKeys {
        Objects.requireNonNull(profile, "profile");
        clientKey = checked(clientKey, profile.keyLength(), "client key", profile);
        serverKey = checked(serverKey, profile.keyLength(), "server key", profile);
        clientSalt = checked(clientSalt, profile.saltLength(), "client salt", profile);
        serverSalt = checked(serverSalt, profile.saltLength(), "server salt", profile);
    }

    /** Splits {@code EXTRACTOR-dtls_srtp} keying material of {@link SrtpProfile#keyingMaterialLength()} bytes. */
    public static SrtpKeys fromKeyingMaterial(SrtpProfile profile, byte[] material) {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(material, "material");
        if (material.length != profile.keyingMaterialLength()) {
            throw new IllegalArgumentException(profile + " needs " + profile.keyingMaterialLength()
                    + " bytes of keying material, got " + material.length);
        }
        int k = profile.keyLength();
        int s = profile.saltLength();
        return new SrtpKeys(profile,
                Arrays.copyOfRange(material, 0, k),
                Arrays.copyOfRange(material, 2 * k, 2 * k + s),
                Arrays.copyOfRange(material, k, 2 * k),
                Arrays.copyOfRange(material, 2 * k + s, 2 * k + 2 * s));
    }

    private static byte[] checked(byte[] value, int length, String what, SrtpProfile profile) {
        Objects.requireNonNull(value, what);
        if (value.length != length) {
            throw new IllegalArgumentException(profile + " " + what + " must be " + length + " bytes, got " + value.length);
        }
        return value.clone();
    }

    @Override
    public byte[] clientKey() {
        return clientKey.clone();
    }

    @Override
    public byte[] clientSalt() {
        return clientSalt.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public byte[] serverSalt() {
        return serverSalt.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SrtpKeys other && other.profile == profile
                && Arrays.equals(other.clientKey, clientKey) && Arrays.equals(other.clientSalt, clientSalt)
                && Arrays.equals(other.serverKey, serverKey) && Arrays.equals(other.serverSalt, serverSalt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(profile, Arrays.hashCode(clientKey), Arrays.hashCode(serverKey));
    }

    /** Keys are secrets: only the profile is shown. */
    @Override
    public String toString() {
        return "SrtpKeys[" + profile + "]";
    }
}
