package dev.amphi.ingest.webrtc.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.amphi.ingest.webrtc.dtls.DtlsEndpoint.Role;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Amphi's DTLS server against a real DTLS-SRTP client, {@code openssl s_client}, over UDP on
 * loopback: the handshake completes with the offered profile and both sides export the same
 * SRTP keying material.
 */
@Timeout(60)
class DtlsOpensslInteropTest {

    private static final Pattern MATERIAL = Pattern.compile("Keying material: ([0-9A-Fa-f]+)");

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"SRTP_AES128_CM_SHA1_80, AES128_CM_HMAC_SHA1_80", "SRTP_AEAD_AES_128_GCM, AEAD_AES_128_GCM"})
    void opensslClientExportsTheSameKeys(String opensslProfile, SrtpProfile profile) throws Exception {
        DtlsCertificate server = DtlsCertificate.generate();
        DtlsCertificate client = DtlsCertificate.generate();
        Path pem = dir.resolve("client.pem");
        Files.writeString(pem, client.toPem());
        ExecutorService executor = Executors.newSingleThreadExecutor();
        Process openssl = null;
        try (UdpLink link = new UdpLink()) {
            DtlsEndpoint endpoint = DtlsEndpoint.of(Role.SERVER, server, client.fingerprint(), Duration.ofSeconds(30),
                    List.of(SrtpProfile.values()));
            Future<DtlsAssociation> association = executor.submit(() -> endpoint.handshake(link));
            openssl = new ProcessBuilder("openssl", "s_client", "-dtls1_2", "-connect", "127.0.0.1:" + link.port(),
                    "-use_srtp", opensslProfile, "-keymatexport", "EXTRACTOR-dtls_srtp",
                    "-keymatexportlen", Integer.toString(profile.keyingMaterialLength()),
                    "-cert", pem.toString(), "-key", pem.toString())
                    .redirectErrorStream(true).start();
            String exported = null;
            StringBuilder transcript = new StringBuilder();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(openssl.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while (exported == null && (line = out.readLine()) != null) {
                    transcript.append(line).append('\n');
                    Matcher m = MATERIAL.matcher(line);
                    if (m.find()) {
                        exported = m.group(1);
                    }
                }
            }
            DtlsAssociation done = association.get(30, TimeUnit.SECONDS);
            assertThat(exported).as(transcript.toString()).isNotNull();
            assertThat(transcript).contains("SRTP Extension negotiated, profile=" + opensslProfile);
            assertThat(done.profile()).isEqualTo(profile);
            SrtpKeys keys = done.keys();
            String ours = HexFormat.of().formatHex(keys.clientKey()) + HexFormat.of().formatHex(keys.serverKey())
                    + HexFormat.of().formatHex(keys.clientSalt()) + HexFormat.of().formatHex(keys.serverSalt());
            assertThat(ours).isEqualToIgnoringCase(exported);
        } finally {
            if (openssl != null) {
                openssl.destroyForcibly();
            }
            executor.shutdownNow();
        }
    }
}
