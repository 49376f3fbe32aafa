/**
 * The RTMP/RTMPS ingest server: {@link dev.amphi.ingest.rtmp.RtmpServer} (built with
 * {@link dev.amphi.ingest.rtmp.RtmpServer#builder()}) binds Netty, assembles each connection's
 * pipeline from the layers in the sub-packages (handshake → chunk → command → publish session →
 * FLV demuxing) and reports to an {@link dev.amphi.ingest.rtmp.RtmpListener}. Threads: one
 * accept thread and a pool of Netty event loops ({@code amphi-rtmp-io-*}); each connection, its
 * publish session and the packets it hands to its sink stay on one event loop. {@code close()}
 * may be called from any thread.
 */
package dev.amphi.ingest.rtmp;
