package dev.amphi.transcode.interactive;

import dev.amphi.media.MediaSink;
import java.util.Set;

/**
 * The program of a room for its speakers in real time; see
 * {@link dev.amphi.transcode.RoomProgram#interactive()}.
 *
 * <p>Video: the composited canvas scaled to the interactive size (640x360 unless configured), H.264
 * Constrained Baseline from libx264 with {@code tune=zerolatency} (no B-frames, no lookahead, one
 * packet per frame as soon as it is encoded), an IDR every segment duration (2 s by default) and
 * on {@link #requestKeyframe()}, SPS and PPS in band before every IDR. Packets are AVCC
 * {@link dev.amphi.media.MediaPacket}s with an {@link dev.amphi.media.AvcConfig}, on the program
 * clock (90 kHz). A new video subscriber's first packet is an IDR.
 *
 * <p>Audio: Opus, 48 kHz <em>mono</em>, 20 ms per packet (libopus, application {@code voip}),
 * {@link dev.amphi.media.OpusConfig} with one channel, timestamps 1800 ticks apart on the program
 * clock. A subscriber for speaker X hears the room without X while X is one of the speakers
 * mixed, and the common mix otherwise; listeners (no speaker id) hear the common mix. When the
 * loud set changes, the subscriber's packets come from the other mix from the next 20 ms frame on:
 * one packet per frame, no gap, no timestamp jump.
 *
 * <p>Two sizes may be offered ({@link #videoSizes()}): {@link VideoSize#LOW} (640x360 by default),
 * where every subscriber starts, and {@link VideoSize#HIGH} (1280x720 by default, when the canvas
 * is at least that large), e.g. for a peer whose bandwidth estimate allows it
 * ({@link Subscription#videoSize(VideoSize)}). Each size is its own encoder, run only while someone
 * watches it; a subscriber that changes size continues at an IDR of the other size, with
 * increasing timestamps on the same program clock.
 *
 * <p>Nothing is encoded until someone subscribes: the video encoder runs while at least one
 * subscriber takes video, and each Opus mix only while someone listens to it.
 */
public interface InteractiveProgram {

    /**
     * Adds a subscriber. The sinks are called on the rendition's delivery threads, one call at a
     * time per sink, and must not block; each sits behind a bounded queue (a subscriber that falls
     * behind loses video up to the next keyframe and, far behind, audio; counted). Their
     * {@code onEnd} comes when the program closes. May be called from any thread; it does not
     * block (the encoders open on their own threads).
     *
     * @param speakerId the speaker this subscriber is, whose own voice it must not hear; null for
     *                  a listener who is no speaker
     * @param video     receives the H.264 packets; null for none
     * @param audio     receives the Opus packets; null for none
     * @return the subscription; closing it unsubscribes (idempotent)
     * @throws IllegalArgumentException when both sinks are null
     * @throws IllegalStateException    when the program is closed
     */
    Subscription subscribe(String speakerId, MediaSink video, MediaSink audio);

    /**
     * Asks for an IDR at the next frame (a subscriber's decoder lost its reference, e.g. a PLI or
     * FIR from a browser). Rate-limited: at most one forced IDR per
     * {@value InteractiveRendition#KEYFRAME_INTERVAL_MILLIS} ms; requests within that time merge
     * into the one IDR that comes when it has passed. Any thread, never blocks.
     */
    void requestKeyframe();

    /** Counters since the program was built. */
    InteractiveStats stats();

    /** The video sizes this program offers; always {@link VideoSize#LOW}. */
    Set<VideoSize> videoSizes();

    /** A size of the interactive video. */
    enum VideoSize {
        /** The default size, 640x360 unless configured. */
        LOW,
        /** The optional second size, 1280x720 unless configured. */
        HIGH
    }

    /** One subscriber. */
    interface Subscription extends AutoCloseable {
        /** The speaker id it was made with, or null for a listener. */
        String speakerId();

        /** Video packets dropped because this subscriber's sink fell behind. */
        long droppedVideo();

        /** Audio packets dropped because this subscriber's sink fell behind. */
        long droppedAudio();

        /** The size asked for last (LOW at first); the video may still come at the old one until the new one's IDR. */
        VideoSize videoSize();

        /**
         * Changes the video size: packets of the new size follow from its next IDR (asked for now),
         * later than the last packet of the old size, and none of the old size after it.
         *
         * @throws IllegalArgumentException when the program does not offer that size
         * @throws IllegalStateException    when this subscriber takes no video
         */
        void videoSize(VideoSize size);

        /** Asks for an IDR in this subscriber's video (its PLI or FIR); rate-limited as {@link InteractiveProgram#requestKeyframe()}. */
        void requestKeyframe();

        /** Unsubscribes; the sinks get nothing more (no {@code onEnd}). */
        @Override
        void close();
    }
}
