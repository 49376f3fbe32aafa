package dev.amphi.ingest.webrtc.dtls;

import java.io.IOException;
import java.util.Objects;

/** A DTLS-SRTP handshake that did not complete; {@link #reason()} says why, the message says it in words. */
public final class DtlsHandshakeException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Why a handshake failed. */
    public enum Reason {
        /** The handshake did not complete within its timeout (the peer never answered, or stalled). */
        TIMEOUT,
        /** The peer's certificate does not match the fingerprint from its SDP, or it sent none. */
        FINGERPRINT_MISMATCH,
        /** The peer offered no SRTP profile Amphi supports, or none at all. */
        NO_SRTP_PROFILE,
        /** The peer ended the handshake with an alert. */
        PEER_ALERT,
        /** Anything else: a broken link, a protocol error, an interrupt. */
        FAILED
    }

    private final Reason reason;

    DtlsHandshakeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the handshake failed. */
    public Reason reason() {
        return reason;
    }
}
