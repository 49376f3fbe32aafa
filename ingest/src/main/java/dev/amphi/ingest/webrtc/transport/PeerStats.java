package dev.amphi.ingest.webrtc.transport;

/**
 * Counters of one peer since it was opened, for metrics.
 *
 * @param packetsIn       RTP packets received and decrypted (retransmissions included)
 * @param bytesIn         their size on the wire
 * @param packetsOut      RTP packets sent (retransmissions included)
 * @param bytesOut        their size on the wire
 * @param lost            packets of the peer's streams never received (RFC 3550 cumulative loss)
 * @param nacksSent       NACK packets we sent
 * @param nacksReceived   NACK packets the peer sent
 * @param retransmitsSent packets we sent again because of a NACK
 * @param retransmitsReceived packets the peer sent again (RTX or plain) that we used
 * @param plisSent        PLIs we sent
 * @param keyframeRequestsReceived PLIs and FIRs the peer sent
 * @param rttMillis       the last round-trip time from its reports about our sender reports, -1 when unknown
 * @param dropped         datagrams of this peer dropped: SRTP failures, malformed RTP/RTCP, unknown streams
 * @param nacksSkipped    lost packets not asked for (again) because the stream's NACK budget was spent
 */
public record PeerStats(long packetsIn, long bytesIn, long packetsOut, long bytesOut, long lost, long nacksSent,
        long nacksReceived, long retransmitsSent, long retransmitsReceived, long plisSent,
        long keyframeRequestsReceived, long rttMillis, long dropped, long nacksSkipped) {
}
