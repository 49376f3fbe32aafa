package dev.amphi.ingest.webrtc.rtp;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * An RTP or RTCP packet that does not follow its layout: too short for a field it declares, a
 * version other than 2, a length or count that points past the end, padding larger than the
 * packet. The message names the field and the numbers involved. It is a Netty
 * {@link CorruptedFrameException}, so a pipeline stage that lets it through is handled like any
 * other decoder's corrupt input.
 */
public final class RtpFormatException extends CorruptedFrameException {

    private static final long serialVersionUID = 1L;

    public RtpFormatException(String message) {
        super(message);
    }
}
