package dev.amphi.ingest.webrtc.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * One side of a DTLS-SRTP handshake (RFC 5764): DTLS 1.2 with an ECDSA certificate, the peer's
 * certificate checked against the fingerprint from its SDP, an SRTP profile agreed through
 * {@code use_srtp}, and the SRTP keys exported from the session.
 *
 * <p>{@link #handshake(DatagramLink)} blocks until the handshake completes, fails, or reaches
 * {@code handshakeTimeout}: run it on a worker thread, never on an event loop. The server side is
 * what Amphi plays towards browsers (their SDP says {@code a=setup:actpass}, Amphi answers
 * {@code a=setup:passive}); the client side serves tests and test peers.
 */
public final class DtlsEndpoint {

    /** Which side of the DTLS handshake this endpoint plays. */
    public enum Role { SERVER, CLIENT }

    /** The default limit for a whole handshake. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private final Role role;
    private final DtlsCertificate certificate;
    private final DtlsCertificate.Fingerprint remoteFingerprint;
    private final Duration handshakeTimeout;
    private final List<SrtpProfile> profiles;

    private DtlsEndpoint(Role role, DtlsCertificate certificate, DtlsCertificate.Fingerprint remoteFingerprint,
            Duration handshakeTimeout, List<SrtpProfile> profiles) {
        this.role = role;
        this.certificate = certificate;
        this.remoteFingerprint = remoteFingerprint;
        this.handshakeTimeout = handshakeTimeout;
        this.profiles = profiles;
    }

    /** A DTLS server expecting a peer whose certificate has {@code remoteFingerprint}, with the default timeout and both profiles. */
    public static DtlsEndpoint server(DtlsCertificate certificate, DtlsCertificate.Fingerprint remoteFingerprint) {
        return of(Role.SERVER, certificate, remoteFingerprint, DEFAULT_HANDSHAKE_TIMEOUT, List.of(SrtpProfile.values()));
    }

    /** A DTLS client expecting a server whose certificate has {@code remoteFingerprint}. */
    public static DtlsEndpoint client(DtlsCertificate certificate, DtlsCertificate.Fingerprint remoteFingerprint) {
        return of(Role.CLIENT, certificate, remoteFingerprint, DEFAULT_HANDSHAKE_TIMEOUT, List.of(SrtpProfile.values()));
    }

    /**
     * An endpoint with everything chosen.
     *
     * @param handshakeTimeout the limit for the whole handshake, 100 ms .. 5 min
     * @param profiles the SRTP profiles to accept or offer, most preferred first, at least one
     */
    public static DtlsEndpoint of(Role role, DtlsCertificate certificate, DtlsCertificate.Fingerprint remoteFingerprint,
            Duration handshakeTimeout, List<SrtpProfile> profiles) {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(remoteFingerprint, "remoteFingerprint");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        if (handshakeTimeout.compareTo(Duration.ofMillis(100)) < 0 || handshakeTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("handshakeTimeout must be 100 ms .. 5 min, got " + handshakeTimeout);
        }
        if (profiles == null || profiles.isEmpty() || profiles.stream().distinct().count() != profiles.size()) {
            throw new IllegalArgumentException("profiles must name at least one SRTP profile, each once, got " + profiles);
        }
        return new DtlsEndpoint(role, certificate, remoteFingerprint, handshakeTimeout, List.copyOf(profiles));
    }

    /** This endpoint's side of the handshake. */
    public Role role() {
        return role;
    }

    /**
     * Runs the handshake over {@code link}, blocking the calling thread.
     *
     * @return the association: profile, keys and an {@link SrtpSession} for this side
     * @throws DtlsHandshakeException with a reason and a message saying what went wrong
     */
    public DtlsAssociation handshake(DatagramLink link) throws DtlsHandshakeException {
        Objects.requireNonNull(link, "link");
        long timeoutMillis = handshakeTimeout.toMillis();
        PeerCheck check = new PeerCheck(new BcTlsCrypto(new SecureRandom()), certificate, remoteFingerprint, profiles);
        LinkTransport transport = new LinkTransport(link, timeoutMillis);
        DTLSTransport dtls;
        try {
            if (role == Role.SERVER) {
                DTLSServerProtocol protocol = new DTLSServerProtocol();
                // ICE has already checked the peer's address; a cookie exchange would only cost a round trip
                protocol.setVerifyRequests(false);
                dtls = protocol.accept(new SrtpTlsServer(check, (int) timeoutMillis), transport);
            } else {
                dtls = new DTLSClientProtocol().connect(new SrtpTlsClient(check, (int) timeoutMillis), transport);
            }
        } catch (IOException | RuntimeException e) {
            throw describe(e, check, timeoutMillis);
        }
        transport.handshakeDone();
        if (check.chosen == null || check.keyingMaterial == null) {
            throw new DtlsHandshakeException(DtlsHandshakeException.Reason.FAILED,
                    "the DTLS handshake completed without an SRTP profile and keys", null);
        }
        SrtpKeys keys = SrtpKeys.fromKeyingMaterial(check.chosen, check.keyingMaterial);
        return new DtlsAssociation(role, keys, dtls, check);
    }

    private static DtlsHandshakeException describe(Exception e, PeerCheck check, long timeoutMillis) {
        if (check.failure != null) {
            return new DtlsHandshakeException(check.failure.reason(), check.failure.getMessage(), e);
        }
        if (e instanceof LinkTransport.DeadlinePassed || e instanceof TlsTimeoutException) {
            return new DtlsHandshakeException(DtlsHandshakeException.Reason.TIMEOUT,
                    "the DTLS handshake did not complete within " + timeoutMillis + " ms", e);
        }
        if (e instanceof TlsFatalAlertReceived received) {
            return new DtlsHandshakeException(DtlsHandshakeException.Reason.PEER_ALERT,
                    "the peer ended the DTLS handshake: " + AlertDescription.getText(received.getAlertDescription()), e);
        }
        if (e instanceof InterruptedIOException) {
            Thread.currentThread().interrupt();
            return new DtlsHandshakeException(DtlsHandshakeException.Reason.FAILED, "the DTLS handshake was interrupted", e);
        }
        String what = e instanceof TlsFatalAlert alert
                ? AlertDescription.getText(alert.getAlertDescription()) : e.getClass().getSimpleName();
        return new DtlsHandshakeException(DtlsHandshakeException.Reason.FAILED,
                "the DTLS handshake failed: " + what + (e.getMessage() != null ? " (" + e.getMessage() + ")" : ""), e);
    }
}
