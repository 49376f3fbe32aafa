package dev.amphi.ingest.webrtc.dtls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed ECDSA P-256 certificate for DTLS, made at start, and its SHA-256 fingerprint in
 * the form an SDP {@code a=fingerprint} line carries ({@code sha-256 AB:CD:...}). Browsers do not
 * check the chain, only that the certificate matches the fingerprint in the signalled SDP.
 */
public final class DtlsCertificate {

    private final KeyPair keyPair;
    private final byte[] der;
    private final Fingerprint fingerprint;
    private final Instant notAfter;

    private DtlsCertificate(KeyPair keyPair, byte[] der, Instant notAfter) {
        this.keyPair = keyPair;
        this.der = der;
        this.fingerprint = Fingerprint.sha256Of(der);
        this.notAfter = notAfter;
    }

    /** A new key pair and certificate valid from one hour before now (clock skew) for {@code validity}. */
    public static DtlsCertificate generate(Duration validity, Clock clock) {
        Objects.requireNonNull(clock, "clock");
        if (validity == null || validity.isNegative() || validity.isZero() || validity.toDays() > 3650) {
            throw new IllegalArgumentException("certificate validity must be between 1 s and 3650 days, got " + validity);
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = generator.generateKeyPair();
            Instant now = clock.instant();
            Instant notAfter = now.plus(validity);
            byte[] serial = new byte[16];
            new SecureRandom().nextBytes(serial);
            X500Name name = new X500Name("CN=amphi");
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, new BigInteger(1, serial),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(notAfter), name, pair.getPublic());
            X509CertificateHolder holder =
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
            return new DtlsCertificate(pair, holder.getEncoded(), notAfter);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create an ECDSA P-256 certificate: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A certificate valid for 30 days from now. */
    public static DtlsCertificate generate() {
        return generate(Duration.ofDays(30), Clock.systemUTC());
    }

    /** The SHA-256 fingerprint to put in the local SDP. */
    public Fingerprint fingerprint() {
        return fingerprint;
    }

    /** The end of the certificate's validity. */
    public Instant notAfter() {
        return notAfter;
    }

    byte[] der() {
        return der.clone();
    }

    AsymmetricKeyParameter privateKeyParameter() {
        try {
            return PrivateKeyFactory.createKey(keyPair.getPrivate().getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The certificate and its private key (PKCS#8) as PEM, for tools such as {@code openssl}. */
    public String toPem() {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(new X509CertificateHolder(der));
            writer.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(keyPair.getPrivate(), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * A certificate fingerprint as in RFC 8122: a hash function name and the digest.
     *
     * @param algorithm lower-case hash name, {@code sha-256} is the only one accepted
     * @param digest the digest bytes (32 for SHA-256)
     */
    public record Fingerprint(String algorithm, byte[] digest) {
        public Fingerprint {
            Objects.requireNonNull(algorithm, "algorithm");
            Objects.requireNonNull(digest, "digest");
            algorithm = algorithm.toLowerCase(Locale.ROOT);
            if (!algorithm.equals("sha-256")) {
                throw new IllegalArgumentException("unsupported fingerprint hash '" + algorithm + "' (only sha-256)");
            }
            if (digest.length != 32) {
                throw new IllegalArgumentException("a sha-256 fingerprint has 32 bytes, got " + digest.length);
            }
            digest = digest.clone();
        }

        /** The SHA-256 fingerprint of a DER-encoded certificate. */
        public static Fingerprint sha256Of(byte[] der) {
            try {
                return new Fingerprint("sha-256", MessageDigest.getInstance("SHA-256").digest(der));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
        }

        /**
         * Parses the value of an SDP {@code a=fingerprint:} attribute, e.g. {@code sha-256 AB:CD:...}
         * (hex digits in either case).
         */
        public static Fingerprint parse(String sdpValue) {
            Objects.requireNonNull(sdpValue, "fingerprint");
            String[] parts = sdpValue.trim().split("\\s+");
            if (parts.length != 2) {
                throw new IllegalArgumentException("a fingerprint is 'sha-256 AB:CD:...', got '" + shorten(sdpValue) + "'");
            }
            String hex = parts[1].replace(":", "");
            if (hex.length() != 64 || !hex.matches("[0-9A-Fa-f]+")) {
                throw new IllegalArgumentException("a sha-256 fingerprint has 32 hex bytes separated by ':', got '"
                        + shorten(parts[1]) + "'");
            }
            return new Fingerprint(parts[0], HexFormat.of().parseHex(hex));
        }

        private static String shorten(String s) {
            return s.length() > 120 ? s.substring(0, 120) + "..." : s;
        }

        /** The digest in SDP form: upper-case hex bytes separated by colons. */
        public String hex() {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        }

        @Override
        public byte[] digest() {
            return digest.clone();
        }

        /** {@code sha-256 AB:CD:...}, the value of an SDP {@code a=fingerprint:} attribute. */
        public String toSdp() {
            return algorithm + " " + hex();
        }

        boolean matches(byte[] certificateDer) {
            return MessageDigest.isEqual(digest, sha256Of(certificateDer).digest);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Fingerprint f && f.algorithm.equals(algorithm) && MessageDigest.isEqual(f.digest, digest);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(digest);
        }

        @Override
        public String toString() {
            return toSdp();
        }
    }
}
