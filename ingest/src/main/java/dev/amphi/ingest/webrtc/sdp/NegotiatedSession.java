package dev.amphi.ingest.webrtc.sdp;

import java.util.List;
import java.util.Objects;

/**
 * What an accepted offer and its answer agreed on, for the ICE, DTLS and RTP layers.
 *
 * @param localIce           the server's ICE credentials for this peer (its STUN checks use them)
 * @param remoteIceUfrag     the peer's ICE ufrag (of the first accepted, BUNDLE-tagged section)
 * @param remoteIcePwd       the peer's ICE password
 * @param remoteFingerprints the peer's DTLS certificate fingerprints with a hash function Amphi
 *                           accepts (SHA-256/384/512); the certificate must match one of them
 * @param media              the accepted sections, in the offer's order; all share one transport
 * @param rejected           the refused sections and why
 */
public record NegotiatedSession(IceCredentials localIce, String remoteIceUfrag, String remoteIcePwd,
        List<Fingerprint> remoteFingerprints, List<NegotiatedMedia> media, List<RejectedMedia> rejected) {

    public NegotiatedSession {
        Objects.requireNonNull(localIce, "localIce");
        Objects.requireNonNull(remoteIceUfrag, "remoteIceUfrag");
        Objects.requireNonNull(remoteIcePwd, "remoteIcePwd");
        remoteFingerprints = List.copyOf(remoteFingerprints);
        media = List.copyOf(media);
        rejected = List.copyOf(rejected);
        if (remoteFingerprints.isEmpty() || media.isEmpty()) {
            throw new IllegalArgumentException("a negotiated session needs a fingerprint and a media section");
        }
    }

    /** The server is always the DTLS server (it answers {@code a=setup:passive}). */
    public boolean dtlsServer() {
        return true;
    }
}
