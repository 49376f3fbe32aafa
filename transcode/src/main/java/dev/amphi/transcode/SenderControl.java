package dev.amphi.transcode;

/**
 * What the program may ask of a speaker's sender when the sender can be asked anything at all (a
 * WebRTC peer, whose encoder sends a keyframe only when asked and whose send rate the receiver
 * steers; an RTMP encoder cannot be asked). Both calls come from the program's own threads and
 * must not block.
 */
@FunctionalInterface
public interface SenderControl {

    /**
     * The speaker's tile waits for a keyframe (shown after being hidden, a reconnection, a decoding
     * error, keyframes-only shedding): runs on a decode worker, at most every 2 s per speaker.
     */
    void requestKeyframe();

    /**
     * Whether the speaker's video is in the picture: false once the layout hides its tile (the
     * program then drops its video before decoding, so the sender may send little and need not be
     * asked to repair losses), true once it is shown again, which a {@link #requestKeyframe} follows.
     * Called on a change, and once with the current state when the control is handed over (a
     * speaker's first connection, a reconnection) if the speaker has been laid out. Runs on the
     * program's clock thread. Default: ignored.
     */
    default void videoShown(boolean shown) {
    }
}
