package dev.amphi.ingest.webrtc.ice;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * A datagram that is not a well-formed STUN message: shorter than the header, a wrong magic
 * cookie, a length that disagrees with the datagram, an attribute that runs past the end, or a
 * known attribute with the wrong size or content. The message names the field and the numbers
 * involved. Like the RTP layer's exception it is a Netty {@link CorruptedFrameException}.
 */
public final class StunFormatException extends CorruptedFrameException {

    private static final long serialVersionUID = 1L;

    public StunFormatException(String message) {
        super(message);
    }
}
