package dev.amphi.ingest.rtmp.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1}, made by Debian's
 * {@code openssl} (RSA 2048, one day): the PEM chain and the PKCS#8 key that RTMPS and HTTPS take.
 */
public record SelfSigned(Path certificate, Path privateKey) {

    /** Makes the pair in {@code dir} ({@code cert.pem}, {@code key.pem}, openssl's log beside them). */
    public static SelfSigned in(Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Path log = dir.resolve("openssl.log");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key.toString(), "-out", cert.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("openssl finished").isTrue();
        assertThat(p.exitValue()).as("openssl exit status; log: " + Files.readString(log)).isZero();
        return new SelfSigned(cert, key);
    }
}
