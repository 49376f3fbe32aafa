/**
 * The STUN layer of an ICE-lite server on one UDP port (RFC 8445 section 2.5, RFC 8489): STUN
 * messages parsed and written over {@code byte[]} with the short-term credential mechanism
 * (MESSAGE-INTEGRITY, FINGERPRINT), the RFC 7983 demultiplexing of the shared port into STUN,
 * DTLS, RTP and RTCP, and {@link dev.amphi.ingest.webrtc.ice.IceLiteResponder}, which answers the
 * browsers' connectivity checks and follows their nominations. An ICE-lite server gathers no
 * candidates and sends no checks of its own. Malformed datagrams fail with
 * {@link dev.amphi.ingest.webrtc.ice.StunFormatException}; parsing never reads outside its input.
 * Messages are immutable; the responder is thread-safe.
 */
package dev.amphi.ingest.webrtc.ice;
