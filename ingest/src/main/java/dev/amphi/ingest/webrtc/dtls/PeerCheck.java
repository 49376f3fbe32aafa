package dev.amphi.ingest.webrtc.dtls;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * What the server and client sides share: the local credentials, the check of the peer's
 * certificate against the SDP fingerprint, the SRTP profile choice, and the outcome (profile and
 * keying material, or the reason a check failed) handed back to {@link DtlsEndpoint}.
 */
final class PeerCheck {

    final BcTlsCrypto crypto;
    final DtlsCertificate local;
    final DtlsCertificate.Fingerprint expectedRemote;
    final List<SrtpProfile> profiles;
    volatile SrtpProfile chosen;
    volatile byte[] keyingMaterial;
    volatile DtlsHandshakeException failure;
    volatile boolean closed;

    PeerCheck(BcTlsCrypto crypto, DtlsCertificate local, DtlsCertificate.Fingerprint expectedRemote,
            List<SrtpProfile> profiles) {
        this.crypto = crypto;
        this.local = local;
        this.expectedRemote = expectedRemote;
        this.profiles = profiles;
    }

    TlsCredentialedSigner signer(TlsContext context) throws IOException {
        Certificate chain = new Certificate(new TlsCertificate[] {crypto.createCertificate(local.der())});
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
                local.privateKeyParameter(), chain, SignatureAndHashAlgorithm.getInstance(
                        org.bouncycastle.tls.HashAlgorithm.sha256, org.bouncycastle.tls.SignatureAlgorithm.ecdsa));
    }

    /** Fails the handshake (bad_certificate) unless the peer's end-entity certificate has the SDP's fingerprint. */
    void checkRemote(Certificate chain) throws IOException {
        if (chain == null || chain.isEmpty()) {
            throw fail(DtlsHandshakeException.Reason.FINGERPRINT_MISMATCH,
                    "the peer sent no certificate; its SDP promised " + expectedRemote.toSdp(),
                    AlertDescription.handshake_failure);
        }
        byte[] der = chain.getCertificateAt(0).getEncoded();
        if (!expectedRemote.matches(der)) {
            throw fail(DtlsHandshakeException.Reason.FINGERPRINT_MISMATCH,
                    "the peer's certificate has fingerprint " + DtlsCertificate.Fingerprint.sha256Of(der).toSdp()
                            + " but its SDP says " + expectedRemote.toSdp(), AlertDescription.bad_certificate);
        }
    }

    /** The first of our profiles the peer offers; fails the handshake when there is none. */
    SrtpProfile choose(int[] offered) throws IOException {
        for (SrtpProfile p : profiles) {
            for (int id : offered) {
                if (id == p.id()) {
                    return p;
                }
            }
        }
        throw fail(DtlsHandshakeException.Reason.NO_SRTP_PROFILE, "the peer offers SRTP profiles "
                + Arrays.toString(offered) + ", none of " + profiles, AlertDescription.handshake_failure);
    }

    TlsFatalAlert fail(DtlsHandshakeException.Reason reason, String message, short alert) {
        failure = new DtlsHandshakeException(reason, message, null);
        return new TlsFatalAlert(alert, message);
    }

    int[] profileIds() {
        return profiles.stream().mapToInt(SrtpProfile::id).toArray();
    }

    /** An alert from the peer: a close_notify or any fatal alert ends the association. */
    void alertReceived(short level, short description) {
        if (description == AlertDescription.close_notify || level == org.bouncycastle.tls.AlertLevel.fatal) {
            closed = true;
        }
    }

    /** The handshake completed: export the SRTP keying material (RFC 5764) for the chosen profile. */
    void handshakeComplete(TlsContext context) {
        keyingMaterial = context.exportKeyingMaterial(org.bouncycastle.tls.ExporterLabel.dtls_srtp, null,
                chosen.keyingMaterialLength());
    }
}
