package dev.amphi.ingest.webrtc.codec;

/**
 * Turns the RTP payloads of one stream, in sequence order (see {@link ReorderBuffer}), into media
 * packets. Single-threaded; never throws on bad payloads (they are dropped and counted).
 */
public interface Depacketizer {

    /** Feeds the next packet; complete access units go to the output before this returns. */
    void push(RtpPayload packet);

    /**
     * Whether frames are being dropped until a keyframe. {@link DepacketizerOutput#onKeyframeNeeded}
     * is called once per incident; a caller whose request went unanswered can ask again while this
     * stays true.
     */
    boolean waitingForKeyframe();

    /** Frames (or audio packets) dropped so far: damaged by loss, malformed, or waiting for a keyframe. */
    long droppedFrames();

    /** H.264, RFC 6184 packetization mode 1 (single NAL unit, STAP-A, FU-A), 90 kHz clock. */
    static Depacketizer h264(DepacketizerOutput output) {
        return new H264Depacketizer(output);
    }

    /** VP8, RFC 7741, 90 kHz clock. */
    static Depacketizer vp8(DepacketizerOutput output) {
        return new Vp8Depacketizer(output);
    }

    /** Opus, RFC 7587: one payload is one Opus packet, 48 kHz clock. */
    static Depacketizer opus(int channels, DepacketizerOutput output) {
        return new OpusDepacketizer(channels, output);
    }
}
