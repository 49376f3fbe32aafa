package dev.amphi.transcode.video;

import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.frame.Picture;
import dev.amphi.transcode.frame.Rect;
import java.util.Objects;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * One speaker's video: decodes its H.264 or VP8 packets, scales each picture to the size its tile is shown
 * at, and hands the newest one to the compositor.
 *
 * <p>Threads: {@link #onPacket} and {@link #discontinuity} run serially on one decode worker;
 * {@link #drawInto} runs on the compositor thread; {@link #target} may be called from any thread.
 * Decoded pictures pass from one to the other through a small queue (a short lock). The three
 * jobs are three classes: {@link TileDecoder} (decode worker), {@link PictureHandoff} (the queue
 * and the spare pictures between the threads) and {@link TileDrawer} (compositor thread).
 *
 * <p>Savings: a hidden speaker (target 0x0) costs nothing: its packets are dropped before the
 * decoder, which is freed, and decoding restarts at the next keyframe once it is shown. When the
 * tile is at most half the source in both directions the decoder skips the deblocking filter and
 * non-reference frames ({@link VideoDecoder#reduced(boolean)}); the downscale hides the missing
 * deblocking, and a small tile does not need the full frame rate. Measured (decoder thread CPU time
 * per frame, 640x360 busy synthetic picture, best of 6, this 2-core machine): x264 {@code veryfast}
 * without B-frames 1.18 ms, 1.03 ms without loop filter (-13%), skip_frame changes nothing (every
 * frame is a reference); {@code veryfast} with 3 B-frames (a typical OBS stream) 1.30 ms, 1.09 ms
 * without loop filter (-16%), 0.78 ms per source frame with non-reference frames skipped too (-40%;
 * 78 of 148 frames come out, so the tile runs at about half rate); {@code ultrafast} streams
 * (no deblocking, no B-frames) 0.29 ms either way. Pictures are scaled to the tile bilinearly.
 * Both savings can be left out ({@link TileShortcuts}) to measure what they cost in quality.
 *
 * <p>Overload ({@link #shed(int)}, set by the program when it or its ladder falls behind) sheds
 * this tile's work in steps, each counted in {@link #shedFrames()}: {@value #SHED_NONREF} drops
 * non-reference pictures before the decoder and skips the deblocking filter (H.264, by its NAL
 * headers; a VP8 stream's refresh flags sit in its compressed header, so there the decoder itself
 * skips such frames, uncounted: the upper temporal layer of a screen share or simulcast stream;
 * browsers' single-layer VP8 refreshes the last frame every frame), {@value #SHED_HALF}
 * also scales and shows only every second decoded picture, {@value #SHED_KEYFRAMES} decodes and shows
 * keyframes only (the tile changes once a GOP). Back at a lower level, decoding resumes at the
 * next keyframe where pictures were skipped that later ones refer to.
 *
 * <p>Robustness: a packet the decoder rejects is counted in {@link #errors()}, logged at most every
 * 10 s per speaker, and the decoder waits for the next keyframe; nothing
 * is thrown. Running out of memory (Java heap, or FFmpeg's {@code ENOMEM}) is no bad packet: the
 * decoder is freed and the {@link OutOfMemoryError} goes on to the caller. A picture more than {@link #STALE_TICKS} older than the program time is not drawn (the
 * caller shows the placeholder); until then the last picture stays frozen in the tile.
 */
public final class SpeakerVideo implements AutoCloseable {

    /**
     * Pictures waiting for the compositor before the oldest is dropped: 0.53 s at 30 fps, which
     * must exceed the program's jitter buffer (pictures wait that long before they are due).
     */
    public static final int QUEUE_CAPACITY = 16;

    /** Overload level: non-reference pictures dropped before the decoder, no deblocking. */
    public static final int SHED_NONREF = 1;
    /** Overload level: also only every second decoded picture scaled and shown. */
    public static final int SHED_HALF = 2;
    /** Overload level: keyframes only. */
    public static final int SHED_KEYFRAMES = 3;

    /** How long the last picture stays frozen in the tile: 2 s at 90 kHz. */
    public static final long STALE_TICKS = 2L * MediaPacket.TIMESCALE;

    /**
     * Packets, and their bytes, held while the target is unset (a bit over 8 s at 30 fps; a GOP of a
     * 4 Mbit/s stream); more drop to the next keyframe. The program lays a new speaker out within a
     * frame, so this only bounds a program that has stopped ticking.
     */
    static final int HELD_MAX = 256;
    static final int HELD_MAX_BYTES = 1 << 20;

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private final String speakerId;
    private final PictureHandoff handoff = new PictureHandoff(QUEUE_CAPACITY);
    private final TileDecoder decoder;
    private final TileDrawer drawer;

    public SpeakerVideo(String speakerId) {
        this(speakerId, TileShortcuts.ALL);
    }

    /** A speaker's video taking only the savings in {@code shortcuts} (benchmarks: {@link TileShortcuts#NONE}). */
    public SpeakerVideo(String speakerId, TileShortcuts shortcuts) {
        this.speakerId = Objects.requireNonNull(speakerId, "speakerId");
        Objects.requireNonNull(shortcuts, "shortcuts");
        this.decoder = new TileDecoder(speakerId, shortcuts, handoff);
        this.drawer = new TileDrawer(handoff, !shortcuts.bilinearScaling());
    }

    public String speakerId() {
        return speakerId;
    }

    /**
     * Sets the size of the tile this speaker is shown at; {@code 0, 0} hides it. Odd sizes are
     * rounded down to even. Any thread.
     *
     * <p>Until the first call the speaker has not been laid out (it just joined, and the program
     * places it at its next frame): packets are then held from the last keyframe on (at most
     * {@value #HELD_MAX} packets, {@value #HELD_MAX_BYTES} bytes) and decoded with the next packet after the first call if the speaker is
     * shown, so its tile starts at the keyframe it joined with instead of waiting a GOP for the
     * next one (placeholder meanwhile); hidden, they count as hidden drops.
     */
    public void target(int width, int height) {
        if (width < 0 || height < 0 || width > 8192 || height > 8192) {
            throw new IllegalArgumentException("target size must be within 0..8192, got " + width + "x" + height);
        }
        decoder.target(width & ~1, height & ~1);
    }

    /**
     * Sets how much of this tile's work is shed because the program is overloaded: 0 (none) up to
     * {@link #SHED_KEYFRAMES}; takes effect from the next packet. Any thread.
     */
    public void shed(int level) {
        if (level < 0 || level > SHED_KEYFRAMES) {
            throw new IllegalArgumentException("shed level must be within 0.." + SHED_KEYFRAMES + ", got " + level);
        }
        decoder.shed(level);
    }

    /** The current shed level. */
    public int shedLevel() {
        return decoder.shedLevel();
    }

    /**
     * Decodes one video packet whose presentation time on the program clock is {@code programPts}
     * (its decode time is {@code programPts - compositionOffset}). Decode worker thread, serially.
     * Never throws for a bad bitstream.
     */
    public void onPacket(MediaPacket video, long programPts) {
        if (handoff.closed()) {
            if (video.kind() != MediaKind.VIDEO) {
                throw new IllegalArgumentException("speaker " + speakerId + ": not a video packet: " + video);
            }
            return;
        }
        decoder.onPacket(video, programPts);
    }

    /**
     * The publisher reconnected: drops queued pictures (the frozen one stays), and decoding restarts
     * at the next keyframe with a fresh decoder. Any thread.
     */
    public void discontinuity() {
        decoder.discontinuity();
        handoff.clear();
    }

    /**
     * Draws the newest picture due at {@code programPts} fitted and centred in {@code tile} on
     * {@code canvas} (the rest of the tile black), freeing older ones; the last picture stays frozen
     * while no newer one is due. Compositor thread.
     *
     * @return false when there is nothing to draw, or the newest picture is more than {@link
     *         #STALE_TICKS} older than {@code programPts} (the caller draws a placeholder)
     */
    public boolean drawInto(Picture canvas, Rect tile, long programPts) {
        return drawer.drawInto(canvas, tile, programPts);
    }

    /** See {@link TileDrawer#fitIn}. */
    static Rect fitIn(Rect tile, int sw, int sh) {
        return TileDrawer.fitIn(tile, sw, sh);
    }

    /** Pictures decoded (and scaled) so far. */
    public long decodedFrames() {
        return decoder.decodedFrames.get();
    }

    /** Pictures dropped because the compositor did not take them in time (queue full). */
    public long droppedFrames() {
        return handoff.dropped();
    }

    /** Pictures not decoded or not shown because the program shed this tile's work ({@link #shed}). */
    public long shedFrames() {
        return decoder.shedFrames.get();
    }

    /** Packets dropped before the decoder because the speaker was hidden. */
    public long hiddenDrops() {
        return decoder.hiddenDrops.get();
    }

    /**
     * How to ask the speaker's sender for a keyframe (a WebRTC peer's PLI), or null when it cannot
     * be asked (RTMP: its encoder's own keyframe interval). A tile that waits for a keyframe (shown
     * after being hidden, a reconnect, a decoding error, keyframes-only shedding) asks at once and
     * then at most every 2 s while it waits. Called on the decode worker; must not block. Any thread.
     */
    public void keyframeRequests(Runnable request) {
        decoder.keyframeRequests(request);
    }

    /**
     * Told whether this tile is shown, for a sender that can lower its rate while hidden (a WebRTC
     * peer): {@code false} once {@link #target} hides the tile, {@code true} once it shows it again
     * (the tile then waits for a keyframe, see {@link #keyframeRequests}), and the current state at
     * once if the tile has been laid out. Called on the thread that calls {@link #target}; must not
     * block. Null: nobody listens. Any thread.
     */
    public void shownListener(Consumer<Boolean> listener) {
        decoder.shownListener(listener);
    }

    /** Times the sender was asked for a keyframe (see {@link #keyframeRequests}). */
    public long keyframeRequestsMade() {
        return decoder.keyframeRequests.get();
    }

    /** Packets skipped while waiting for a keyframe (after being shown, a reconnect or an error). */
    public long keyframeWaits() {
        return decoder.keyframeWaits.get();
    }

    /** Packets the decoder rejected (corrupt bitstream, unusable configuration). */
    public long errors() {
        return decoder.errors.get();
    }

    /** Whether the decoder currently skips the loop filter and non-reference frames (small tile). */
    boolean reducedDecoding() {
        return decoder.reducedDecoding();
    }

    /** Frees the decoder, the scalers and every picture. Idempotent; call once the other threads stopped using it. */
    @Override
    public void close() {
        synchronized (handoff) {
            if (handoff.closed()) {
                return;
            }
            handoff.close();
        }
        drawer.close();
        decoder.close();
    }
}
