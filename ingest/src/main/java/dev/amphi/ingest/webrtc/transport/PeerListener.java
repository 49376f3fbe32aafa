package dev.amphi.ingest.webrtc.transport;

import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import java.util.OptionalInt;

/**
 * What happens to one peer. {@link #connected}, {@link #media} and {@link #keyframeRequested} are
 * called on the transport's event loop, in that order for a peer, and must not block (hand
 * packets to a bounded queue, e.g. a {@link dev.amphi.media.MediaFanout}); {@link #closed} comes
 * exactly once, from whichever thread closed the peer (the event loop on a timeout or the peer's
 * goodbye, a DTLS worker when the handshake fails, the caller of {@link PeerSession#close}).
 */
public interface PeerListener {

    /** ICE and DTLS completed: media flows from now on. */
    default void connected(PeerSession peer) {
    }

    /**
     * One access unit from the peer.
     *
     * @param mid        the media section it belongs to
     * @param kind       audio or video
     * @param audioLevel the RFC 6464 level of an audio packet in -dBov (0 loudest .. 127 silence),
     *                   empty when the header extension is not negotiated or absent
     */
    void media(PeerSession peer, String mid, MediaKind kind, MediaPacket packet, OptionalInt audioLevel);

    /** The peer asked for a keyframe of what it receives from us (RTCP PLI or FIR); not rate-limited here. */
    default void keyframeRequested(PeerSession peer) {
    }

    /** The peer is gone; {@code reason} says why in words. */
    default void closed(PeerSession peer, String reason) {
    }
}
