/**
 * SDP for the WHIP endpoint: {@link dev.amphi.ingest.webrtc.sdp.Sdp#parse(String)} reads an offer
 * (RFC 8866 syntax with the WebRTC attributes of RFC 8839, 8842, 8843, 5761, 8285 and 5576) into
 * immutable records, refusing hostile or malformed input with an {@link
 * dev.amphi.ingest.webrtc.sdp.SdpException} that names the line and the rule, within fixed limits
 * ({@link dev.amphi.ingest.webrtc.sdp.SdpLimits}); {@link
 * dev.amphi.ingest.webrtc.sdp.Sdp#answer(SessionDescription, ServerParameters)} chooses one codec
 * per media section (Opus; H.264 packetization-mode 1 or VP8), bundles everything it accepts on the
 * server's single ICE-lite UDP port with the server as DTLS server, and returns the answer text with
 * the {@link dev.amphi.ingest.webrtc.sdp.NegotiatedSession} the transport and RTP layers need.
 * Pure functions over immutable values: no threads, no I/O, callable from any thread (an event
 * loop included: the work is bounded by the limits).
 */
package dev.amphi.ingest.webrtc.sdp;
