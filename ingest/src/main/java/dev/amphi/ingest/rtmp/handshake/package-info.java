/**
 * The server side of the RTMP handshake (C0–C2/S0–S2, version 3): {@link
 * dev.amphi.ingest.rtmp.handshake.Handshake} answers plain (librtmp/OBS) and digest-style
 * (FFmpeg/Flash, schemes 0 and 1) C1 packets as pure functions; {@link
 * dev.amphi.ingest.rtmp.handshake.HandshakeHandler} runs it in a pipeline with a timeout and removes
 * itself when done. Owned by the connection's event loop.
 */
package dev.amphi.ingest.rtmp.handshake;
