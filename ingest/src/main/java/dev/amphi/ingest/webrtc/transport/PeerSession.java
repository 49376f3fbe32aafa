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
     * Whether the video this peer sends is shown now (it is until told otherwise). While it is not,
     * its losses are not repaired (no NACK, no PLI for a broken picture) and REMB asks for at most
     * {@link #HIDDEN_VIDEO_BPS}, so a browser whose tile is off the picture sends a trickle; shown
     * again, REMB goes back to {@link #maxReceiveBitrate} at once and a picture broken meanwhile is
     * asked for again. Takes effect within the peer's next timer tick (40 ms). Any thread; does not block.
     */
    void receivedVideoShown(boolean shown);

    /** What REMB asks of a peer whose video is not shown ({@link #receivedVideoShown}): 150 kbit/s. */
    long HIDDEN_VIDEO_BPS = 150_000;

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
