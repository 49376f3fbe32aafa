package dev.amphi.ingest.webrtc.transport;

import dev.amphi.media.MediaPacket;

/**
 * One WebRTC peer on the shared port, from {@link WebRtcTransport#open}. Thread-safe.
 */
public interface PeerSession extends AutoCloseable {

    /** A short unique id (the local ICE ufrag). */
    String id();

    /** Whether ICE and DTLS completed and the peer is not closed. */
    boolean connected();

    /** Whether the peer is closed. */
    boolean isClosed();

    /** Counters for metrics. */
    PeerStats stats();

    /**
     * The bitrate (bits/s) the REMB of every report asks the peer to stay under, from the next
     * report on (about a second); 0 sends no REMB. Starts at {@link TransportOptions#rembCapBps()}.
     *
     * @throws IllegalArgumentException outside 0..1e9
     */
    void maxReceiveBitrate(long bitsPerSecond);

    /** Asks the peer for a keyframe of each video stream it sends (RTCP PLI), at most every 250 ms per stream. */
    void requestKeyframe();

    /**
     * Sends one H.264 access unit (AVCC, keyframes carry or get SPS/PPS) on the answer's video
     * SSRC, timestamps from the packet's pts.
     *
     * @return false when it was not sent: not connected (yet), closed, or the peer does not receive
     *         H.264 video from us (its direction, or it negotiated VP8)
     */
    boolean sendVideo(MediaPacket packet);

    /** Sends one Opus packet on the answer's audio SSRC, timestamps from the packet's dts; false as {@link #sendVideo}. */
    boolean sendAudio(MediaPacket packet);

    /** Closes the peer: RTCP BYE and DTLS close_notify when connected, then {@link PeerListener#closed}. */
    @Override
    void close();
}
