/**
 * The RTP and RTCP packet layer of WebRTC ingest, as pure functions and value records over
 * {@code byte[]}: RTP packets (RFC 3550) with RFC 8285 header extensions (one-byte and two-byte
 * forms; helpers for the RFC 6464 audio level and the transport-wide sequence number), compound
 * RTCP (SR, RR, SDES, BYE, generic NACK, PLI, REMB and transport-cc feedback), sequence number and
 * timestamp unwrapping, and per-source receive statistics (RFC 3550 A.1, A.3, A.8) for report
 * blocks. Parsing never reads outside its input: malformed bytes fail with
 * {@link dev.amphi.ingest.webrtc.rtp.RtpFormatException} naming what was wrong. Parsers and
 * records are stateless and thread-safe; {@link dev.amphi.ingest.webrtc.rtp.ReceiveStatistics} and
 * {@link dev.amphi.ingest.webrtc.rtp.Unwrapper} hold state and belong to the one thread (the
 * peer's event loop) that receives that source's packets.
 */
package dev.amphi.ingest.webrtc.rtp;
