package dev.amphi.ingest.webrtc.transport;

/**
 * Counters of the shared port since it started (per-peer counters are in {@link PeerStats}).
 *
 * @param peers         peers open now
 * @param oversize      datagrams over {@link WebRtcTransport#MAX_DATAGRAM} bytes, dropped
 * @param unclassified  datagrams that are none of STUN, DTLS, RTP, RTCP (RFC 7983), dropped
 * @param unknownSource DTLS, RTP or RTCP from an address no peer nominated, dropped
 * @param stunDropped   STUN not answered: malformed, not a Binding request, unknown ufrag
 * @param stunRefused   STUN checks answered with an error (wrong password, role conflict, ...)
 */
public record TransportStats(int peers, long oversize, long unclassified, long unknownSource, long stunDropped,
        long stunRefused) {
}
