package dev.amphi.ingest.webrtc.dtls;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SRTP key derivation function (RFC 3711 section 4.3.1, AES-CM PRF, key derivation rate 0),
 * also used by the GCM profiles (RFC 7714 section 11), whose 12-byte master salt is padded with
 * zeros to 14 bytes.
 */
final class SrtpKdf {

    static final int SRTP_ENCRYPTION = 0x00;
    static final int SRTP_AUTHENTICATION = 0x01;
    static final int SRTP_SALT = 0x02;
    static final int SRTCP_ENCRYPTION = 0x03;
    static final int SRTCP_AUTHENTICATION = 0x04;
    static final int SRTCP_SALT = 0x05;

    private SrtpKdf() {
    }

    /** {@code length} bytes of session key material for {@code label}. */
    static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
        byte[] counter = new byte[16];
        System.arraycopy(masterSalt, 0, counter, 0, masterSalt.length);
        counter[7] ^= (byte) label;
        try {
            Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"), new IvParameterSpec(counter));
            return aes.doFinal(new byte[length]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR is missing from this JVM", e);
        }
    }
}
