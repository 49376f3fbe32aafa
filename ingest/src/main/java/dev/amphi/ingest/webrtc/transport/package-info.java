/**
 * The WebRTC transport of the server: one UDP port shared by every peer (ICE-lite), DTLS-SRTP,
 * RTP and RTCP, and the depacketizers, built from the {@code sdp}, {@code ice}, {@code dtls},
 * {@code rtp} and {@code codec} packages. {@link dev.amphi.ingest.webrtc.transport.WebRtcTransport}
 * owns the socket; each accepted offer becomes a {@link dev.amphi.ingest.webrtc.transport.PeerSession}
 * whose media reaches a {@link dev.amphi.ingest.webrtc.transport.PeerListener} as
 * {@link dev.amphi.media.MediaPacket}s, and which sends the room's program back.
 *
 * <p>Threads: one Netty event loop reads the port and does everything per datagram (STUN, SRTP,
 * RTP, RTCP, depacketizing, listener media callbacks) and a timer tick (reports, NACK retries,
 * timeouts); nothing on it blocks. The blocking DTLS handshakes run on a small bounded pool of
 * worker threads. {@code sendVideo}/{@code sendAudio} may be called from any one thread per peer
 * and kind (an encoder's output thread); they share a short lock with the event loop for SRTP.
 */
package dev.amphi.ingest.webrtc.transport;
