/**
 * RTP payload formats of the WebRTC path: depacketizers that turn the RTP payloads of one stream
 * into {@link dev.amphi.media.MediaPacket}s (H.264 per RFC 6184 packetization mode 1: single NAL
 * unit, STAP-A, FU-A; VP8 per RFC 7741; Opus per RFC 7587), packetizers that cut access units into
 * payloads no larger than a given size for the return path, and a {@link
 * dev.amphi.ingest.webrtc.codec.ReorderBuffer} that puts packets back in sequence order first.
 *
 * <p>Input is a minimal view of an RTP packet, {@link dev.amphi.ingest.webrtc.codec.RtpPayload}
 * (sequence number, timestamp, marker, payload), so this package knows nothing of headers,
 * SSRCs or SRTP. Plain Java, no I/O, no clock: every class here is single-threaded and belongs to
 * the thread that owns its stream (the peer's event loop); bad payloads are dropped and counted,
 * never thrown.
 */
package dev.amphi.ingest.webrtc.codec;
