package dev.amphi.ingest.webrtc.dtls;

import java.io.IOException;
import java.util.Objects;
import org.bouncycastle.tls.DTLSTransport;

/**
 * A completed DTLS-SRTP handshake: the agreed profile, the keys of both sides, and the DTLS
 * session itself (kept only to send close_notify when the peer leaves).
 */
public final class DtlsAssociation implements AutoCloseable {

    private final DtlsEndpoint.Role role;
    private final SrtpKeys keys;
    private final DTLSTransport dtls;

    DtlsAssociation(DtlsEndpoint.Role role, SrtpKeys keys, DTLSTransport dtls) {
        this.role = Objects.requireNonNull(role, "role");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.dtls = dtls;
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
        if (dtls != null) {
            try {
                dtls.close();
            } catch (IOException e) {
                // the peer is gone or the link closed: nothing left to tell it
            }
        }
    }
}
