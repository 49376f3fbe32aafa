/**
 * DTLS-SRTP for WebRTC peers: the server's self-signed ECDSA certificate and its SDP fingerprint
 * ({@link dev.amphi.ingest.webrtc.dtls.DtlsCertificate}), the DTLS 1.2 handshake with the
 * {@code use_srtp} extension over any datagram path ({@link dev.amphi.ingest.webrtc.dtls.DatagramLink},
 * {@link dev.amphi.ingest.webrtc.dtls.DtlsEndpoint}), and SRTP/SRTCP protection for
 * {@code SRTP_AEAD_AES_128_GCM} and {@code SRTP_AES128_CM_HMAC_SHA1_80}
 * ({@link dev.amphi.ingest.webrtc.dtls.SrtpSession}).
 *
 * <p>Threads: a handshake blocks the thread that calls it (a worker, never an event loop) until it
 * completes, fails or reaches its deadline. An {@code SrtpSession} keeps per-SSRC state for each
 * direction; each direction is used by one thread at a time (the one that reads, the one that sends).
 */
package dev.amphi.ingest.webrtc.dtls;
