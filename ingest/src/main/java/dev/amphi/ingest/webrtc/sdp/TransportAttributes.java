package dev.amphi.ingest.webrtc.sdp;

import java.util.List;

/**
 * The ICE and DTLS attributes of a session or of one media section. Browsers write them in every
 * media section, OBS (libdatachannel) at session level; {@link #orElse(TransportAttributes)} merges
 * the two, the media section's own values first.
 *
 * @param iceUfrag     {@code a=ice-ufrag}, or null
 * @param icePwd       {@code a=ice-pwd}, or null
 * @param iceOptions   {@code a=ice-options} tokens, e.g. {@code trickle}
 * @param fingerprints every {@code a=fingerprint}
 * @param setup        {@code a=setup}, or null
 */
public record TransportAttributes(String iceUfrag, String icePwd, List<String> iceOptions,
        List<Fingerprint> fingerprints, Setup setup) {

    public TransportAttributes {
        iceOptions = List.copyOf(iceOptions);
        fingerprints = List.copyOf(fingerprints);
    }

    /** These values, each missing one taken from {@code session}. */
    public TransportAttributes orElse(TransportAttributes session) {
        return new TransportAttributes(
                iceUfrag != null ? iceUfrag : session.iceUfrag,
                icePwd != null ? icePwd : session.icePwd,
                iceOptions.isEmpty() ? session.iceOptions : iceOptions,
                fingerprints.isEmpty() ? session.fingerprints : fingerprints,
                setup != null ? setup : session.setup);
    }
}
