package dev.amphi.ingest.webrtc.dtls;

import java.io.IOException;
import java.util.Objects;
import org.bouncycastle.tls.DTLSTransport;

/**
 * A completed DTLS-SRTP handshake: the agreed profile, the keys of both sides, and the DTLS
 * session itself: {@link #pump} answers what the peer sends after the handshake, {@link #close}
 * sends close_notify.
 */
public final class DtlsAssociation implements AutoCloseable {

    private final DtlsEndpoint.Role role;
    private final SrtpKeys keys;
    private final DTLSTransport dtls;
    private final PeerCheck state;
    private final byte[] scratch;

    DtlsAssociation(DtlsEndpoint.Role role, SrtpKeys keys, DTLSTransport dtls, PeerCheck state) {
        this.role = Objects.requireNonNull(role, "role");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.dtls = Objects.requireNonNull(dtls, "dtls");
        this.state = Objects.requireNonNull(state, "state");
        this.scratch = new byte[2048];
    }

    /**
     * Handles the DTLS records that reach the link after the handshake, waiting up to
     * {@code waitMillis} (at least 1 ms) for one: the peer's retransmitted last flight when it
     * missed ours (answered by resending it), its close_notify or a fatal alert. Application
     * data (data channels) is read and discarded. Call it on a worker whenever the demultiplexer
     * hands the link a DTLS record after the handshake; one thread at a time.
     *
     * @return false once the peer has closed the association or it failed; true while it is open
     */
    public boolean pump(int waitMillis) {
        if (state.closed) {
            return false;
        }
        try {
            dtls.receive(scratch, 0, scratch.length, Math.max(1, waitMillis));
        } catch (IOException e) {
            state.closed = true;
        }
        return !state.closed;
    }

    /** Whether the peer closed the association (close_notify or a fatal alert) or it failed. */
    public boolean isClosed() {
        return state.closed;
    }

    /** The SRTP profile both sides agreed on. */
    public SrtpProfile profile() {
        return keys.profile();
    }

    /** The SRTP master keys and salts of both sides. */
    public SrtpKeys keys() {
        return keys;
    }

    /** A new SRTP session for this side: protects with this side's key, unprotects with the peer's. */
    public SrtpSession newSrtpSession() {
        return SrtpSession.create(keys, role == DtlsEndpoint.Role.CLIENT);
    }

    /** Sends close_notify to the peer (best effort). */
    @Override
    public void close() {
        try {
            dtls.close();
        } catch (IOException e) {
            // the peer is gone or the link closed: nothing left to tell it
        }
    }
}
