package dev.amphi.ingest.webrtc.codec;

import dev.amphi.media.MediaPacket;

/** Where a {@link Depacketizer} delivers, on the thread that pushes packets into it. */
public interface DepacketizerOutput {

    /** One complete access unit (a whole video frame, or one audio packet). */
    void onPacket(MediaPacket packet);

    /**
     * The stream cannot be decoded until the next keyframe (a packet was lost, a payload was bad,
     * no keyframe has come yet): the caller should ask the sender for one (RTCP PLI), rate-limited.
     * Frames are dropped until that keyframe arrives.
     *
     * @param reason short description for a debug log, e.g. "sequence gap 1041..1043"
     */
    default void onKeyframeNeeded(String reason) {
    }
}
