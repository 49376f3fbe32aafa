package dev.amphi.transcode.video;

import dev.amphi.transcode.ffmpeg.FfmpegException;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_clone;

import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.frame.Picture;
import dev.amphi.transcode.frame.Rect;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One speaker's video: decodes its H.264 packets, scales each picture to the size its tile is shown
 * at, and hands the newest one to the compositor.
 *
 * <p>Threads: {@link #onPacket} and {@link #discontinuity} run serially on one decode worker;
 * {@link #drawInto} runs on the compositor thread; {@link #target} may be called from any thread.
 * Decoded pictures pass from one to the other through a small queue (a short lock).
 *
 * <p>Savings: a hidden speaker (target 0x0) costs nothing: its packets are dropped before the
 * decoder, which is freed, and decoding restarts at the next keyframe once it is shown. When the
 * tile is at most half the source in both directions the decoder skips the deblocking filter and
 * non-reference frames ({@link H264Decoder#reduced(boolean)}); the downscale hides the missing
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
 * non-reference pictures before the decoder and skips the deblocking filter, {@value #SHED_HALF}
 * also scales and shows only every second decoded picture, {@value #SHED_KEYFRAMES} decodes and shows
 * keyframes only (the tile changes once a GOP). Back at a lower level, decoding resumes at the
 * next keyframe where pictures were skipped that later ones refer to.
 *
 * <p>Robustness: a packet the decoder rejects is counted in {@link #errors()}, logged at most every
 * 10 s per speaker, and the decoder waits for the next keyframe; nothing
 * is thrown. A picture more than {@link #STALE_TICKS} older than the program time is not drawn (the
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

    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final Logger log = LoggerFactory.getLogger(SpeakerVideo.class);

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private final String speakerId;
    private final TileShortcuts shortcuts;

    /** {@link #target} before the first call: the program has not laid this speaker out yet. */
    private static final long UNSET = -1;
    /**
     * Packets, and their bytes, held while the target is unset (a bit over 8 s at 30 fps; a GOP of a
     * 4 Mbit/s stream); more drop to the next keyframe. The program lays a new speaker out within a
     * frame, so this only bounds a program that has stopped ticking.
     */
    static final int HELD_MAX = 256;
    static final int HELD_MAX_BYTES = 1 << 20;

    /** Target tile size, {@code width << 32 | height}; 0 = hidden, {@link #UNSET} = not laid out yet. */
    private volatile long target = UNSET;
    private final AtomicBoolean discontinuity = new AtomicBoolean();
    private volatile int shed;

    // decode worker
    /** Packets from the last keyframe on, while the target is unset; replayed once it is known. */
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private long heldBytes;
    private H264Decoder decoder;
    private final FrameScaler decodeScaler;
    private boolean hidden = true;
    private boolean needKeyframe = true;
    private long deliveredWhileHalved;
    private long lastLogNanos;
    private long unloggedErrors;

    // shared, guarded by queue
    private final ArrayDeque<Decoded> queue = new ArrayDeque<>();
    private volatile boolean closed;

    // compositor thread
    private Decoded shown;
    private final FrameScaler drawScaler;

    private final AtomicLong decodedFrames = new AtomicLong();
    private final AtomicLong droppedFrames = new AtomicLong();
    private final AtomicLong hiddenDrops = new AtomicLong();
    private final AtomicLong keyframeWaits = new AtomicLong();
    private final AtomicLong shedFrames = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    /** A decoded, scaled picture and the size of the source it came from (for the aspect ratio). */
    private record Decoded(Picture picture, int sourceWidth, int sourceHeight, boolean own) {
        long pts() {
            return picture.pts();
        }
    }

    /**
     * Scaled pictures the compositor is done with, for the decode worker to scale into again:
     * allocating (and blackening) a fresh one per frame cost the decode thread a page fault per 4 KiB
     * of a large tile (a 1080p tile: 3 MiB, 30 times a second). Any thread.
     */
    private final java.util.concurrent.ConcurrentLinkedDeque<Picture> spare = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private static final int SPARE_MAX = 4;

    public SpeakerVideo(String speakerId) {
        this(speakerId, TileShortcuts.ALL);
    }

    /** A speaker's video taking only the savings in {@code shortcuts} (benchmarks: {@link TileShortcuts#NONE}). */
    public SpeakerVideo(String speakerId, TileShortcuts shortcuts) {
        this.speakerId = Objects.requireNonNull(speakerId, "speakerId");
        this.shortcuts = Objects.requireNonNull(shortcuts, "shortcuts");
        this.decodeScaler = new FrameScaler(!shortcuts.bilinearScaling());
        this.drawScaler = new FrameScaler(!shortcuts.bilinearScaling());
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
        int w = width & ~1;
        int h = height & ~1;
        target = w == 0 || h == 0 ? 0 : ((long) w << 32) | h;
    }

    /**
     * Sets how much of this tile's work is shed because the program is overloaded: 0 (none) up to
     * {@link #SHED_KEYFRAMES}; takes effect from the next packet. Any thread.
     */
    public void shed(int level) {
        if (level < 0 || level > SHED_KEYFRAMES) {
            throw new IllegalArgumentException("shed level must be within 0.." + SHED_KEYFRAMES + ", got " + level);
        }
        shed = level;
    }

    /** The current shed level. */
    public int shedLevel() {
        return shed;
    }

    /**
     * Decodes one video packet whose presentation time on the program clock is {@code programPts}
     * (its decode time is {@code programPts - compositionOffset}). Decode worker thread, serially.
     * Never throws for a bad bitstream.
     */
    public void onPacket(MediaPacket video, long programPts) {
        if (video.kind() != MediaKind.VIDEO) {
            throw new IllegalArgumentException("speaker " + speakerId + ": not a video packet: " + video);
        }
        if (closed) {
            return;
        }
        if (discontinuity.getAndSet(false)) {
            resetDecoder();
            dropHeld(0);
        }
        long t = target;
        if (t == UNSET) {
            hold(video, programPts);
            return;
        }
        if (!held.isEmpty()) {
            Held[] before = held.toArray(new Held[0]);
            held.clear();
            heldBytes = 0;
            for (Held h : before) {
                process(h.video(), h.programPts(), t);
            }
        }
        process(video, programPts, t);
    }

    /** A packet that came before the first {@link #target} call; decode worker. */
    private record Held(MediaPacket video, long programPts) {
    }

    private void hold(MediaPacket video, long programPts) {
        if (video.keyframe()) {
            dropHeld(0); // a newer start: what came before is not needed
        } else if (held.isEmpty() || held.size() >= HELD_MAX || heldBytes + video.data().length > HELD_MAX_BYTES) {
            dropHeld(1); // undecodable without its keyframe, or too long a wait
            return;
        }
        held.addLast(new Held(video, programPts));
        heldBytes += video.data().length;
    }

    /** Drops the held packets, counting them and {@code more} others as hidden drops. */
    private void dropHeld(int more) {
        hiddenDrops.addAndGet(held.size() + (long) more);
        held.clear();
        heldBytes = 0;
    }

    private void process(MediaPacket video, long programPts, long t) {
        if (t == 0) {
            if (!hidden) {
                hidden = true;
                resetDecoder();
                clearQueue();
            }
            hiddenDrops.incrementAndGet();
            return;
        }
        hidden = false;
        AvcConfig config = (AvcConfig) video.config();
        if (decoder != null && !decoder.config().equals(config)) {
            resetDecoder(); // a new configuration starts at a keyframe
        }
        int level = shed;
        if (level >= SHED_KEYFRAMES && !video.keyframe()) {
            shedFrames.incrementAndGet();
            needKeyframe = true; // later pictures refer to this one: resume at a keyframe
            return;
        }
        if (level >= SHED_NONREF && !video.keyframe() && !H264Decoder.isReference(video.data(), config.nalLengthSize())) {
            shedFrames.incrementAndGet(); // nothing refers to it: the decoder goes on as if it had seen it
            return;
        }
        if (needKeyframe && !video.keyframe()) {
            keyframeWaits.incrementAndGet();
            return;
        }
        int tw = (int) (t >>> 32);
        int th = (int) t;
        try {
            if (decoder == null) {
                decoder = new H264Decoder(config);
            }
            needKeyframe = false;
            decoder.decode(video, programPts, frame -> deliver(frame, tw, th));
        } catch (RuntimeException e) { // FfmpegException mostly; a stream must never stop the worker
            failed(e);
        }
    }

    private void deliver(AVFrame frame, int tw, int th) {
        int sw = frame.width();
        int sh = frame.height();
        int level = shed;
        boolean small = shortcuts.reducedDecoding() && tw * 2 <= sw && th * 2 <= sh;
        decoder.reduced(level >= SHED_NONREF || small); // from the next packet on
        if (level == SHED_HALF) { // at SHED_KEYFRAMES every keyframe is shown: a tile must not go stale
            if (deliveredWhileHalved++ % 2 == 1) {
                shedFrames.incrementAndGet();
                return;
            }
        } else {
            deliveredWhileHalved = 0;
        }
        Rect fit = fitIn(new Rect(0, 0, tw, th), sw, sh);
        Picture picture;
        boolean adopted = false;
        if (fit.width() == sw && fit.height() == sh && frame.format() == AV_PIX_FMT_YUV420P) {
            AVFrame ref = av_frame_clone(frame); // no copy: a second reference to the decoder's buffers
            if (ref == null) {
                throw new OutOfMemoryError("av_frame_clone failed");
            }
            picture = Picture.adopt(ref);
            adopted = true;
        } else {
            picture = spareOfSize(fit.width(), fit.height());
            try {
                decodeScaler.scale(frame, picture.frame(), new Rect(0, 0, fit.width(), fit.height()));
            } catch (RuntimeException e) {
                picture.close();
                throw e;
            }
        }
        picture.pts(frame.pts());
        decodedFrames.incrementAndGet();
        Decoded d = new Decoded(picture, sw, sh, picture != null && !adopted);
        Decoded dropped = null;
        synchronized (queue) {
            if (closed) {
                dropped = d;
            } else {
                if (queue.size() >= QUEUE_CAPACITY) {
                    dropped = queue.pollFirst();
                    droppedFrames.incrementAndGet();
                }
                queue.addLast(d);
            }
        }
        if (dropped != null) {
            recycle(dropped);
        }
    }

    /** A picture of this size from the spares (its content is overwritten by the caller), or a new one. */
    private Picture spareOfSize(int w, int h) {
        Picture p;
        while ((p = spare.pollFirst()) != null) {
            if (p.width() == w && p.height() == h) {
                return p;
            }
            p.close(); // the tile changed size
        }
        return Picture.allocate(w, h);
    }

    /** Done with {@code d}: its picture goes back to the spares when it is ours and there is room, else it is freed. */
    private void recycle(Decoded d) {
        Picture p = d.picture();
        if (!d.own() || closed || spare.size() >= SPARE_MAX) {
            p.close();
            return;
        }
        spare.addFirst(p);
        if (closed && spare.remove(p)) { // close() ran meanwhile
            p.close();
        }
    }

    private void failed(RuntimeException e) {
        errors.incrementAndGet();
        resetDecoder();
        long now = System.nanoTime();
        if (lastLogNanos == 0 || now - lastLogNanos >= LOG_INTERVAL_NANOS) {
            log.warn("speaker {}: video decoding failed, waiting for the next keyframe ({} more errors since the last report): {}",
                    speakerId, unloggedErrors, e.getMessage());
            lastLogNanos = now;
            unloggedErrors = 0;
        } else {
            unloggedErrors++;
        }
    }

    /** Frees the decoder; the next decodable packet is a keyframe. */
    private void resetDecoder() {
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
        needKeyframe = true;
    }

    private void clearQueue() {
        ArrayDeque<Decoded> old;
        synchronized (queue) {
            old = new ArrayDeque<>(queue);
            queue.clear();
        }
        old.forEach(this::recycle);
    }

    /**
     * The publisher reconnected: drops queued pictures (the frozen one stays), and decoding restarts
     * at the next keyframe with a fresh decoder. Any thread.
     */
    public void discontinuity() {
        discontinuity.set(true);
        clearQueue();
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
        Decoded due = null;
        Decoded skipped = null;
        synchronized (queue) {
            if (closed) {
                return false;
            }
            while (!queue.isEmpty() && queue.peekFirst().pts() <= programPts) {
                if (due != null) {
                    recycle(due); // never shown: the source is faster than the program
                }
                due = queue.pollFirst();
            }
        }
        if (due != null) {
            skipped = shown;
            shown = due;
        }
        if (skipped != null) {
            recycle(skipped);
        }
        if (shown == null || programPts - shown.pts() > STALE_TICKS || tile.width() == 0 || tile.height() == 0) {
            return false;
        }
        Picture picture = shown.picture();
        Rect fit = fitIn(tile, shown.sourceWidth(), shown.sourceHeight());
        if (fit.width() == picture.width() && fit.height() == picture.height()) {
            canvas.blit(picture, fit.x(), fit.y());
        } else {
            drawScaler.scale(picture.frame(), canvas.frame(), fit); // just after a layout switch
        }
        blackBars(canvas, tile, fit);
        return true;
    }

    /**
     * Where a {@code sw x sh} source goes in {@code tile}: letterboxed with its aspect kept, except
     * that bars thinner than 1% of the tile (rounding, a 16:9 source in a nearly 16:9 tile) are not
     * worth a black line: the picture then fills the tile.
     */
    static Rect fitIn(Rect tile, int sw, int sh) {
        Rect fit = tile.fit(sw, sh);
        if ((tile.width() - fit.width()) * 100 <= tile.width() && (tile.height() - fit.height()) * 100 <= tile.height()) {
            return tile;
        }
        return fit;
    }

    private static void blackBars(Picture canvas, Rect tile, Rect fit) {
        int top = fit.y() - tile.y();
        int bottom = tile.y() + tile.height() - fit.y() - fit.height();
        int left = fit.x() - tile.x();
        int right = tile.x() + tile.width() - fit.x() - fit.width();
        if (top > 0) {
            canvas.fillRect(tile.x(), tile.y(), tile.width(), top, 16, 128, 128);
        }
        if (bottom > 0) {
            canvas.fillRect(tile.x(), fit.y() + fit.height(), tile.width(), bottom, 16, 128, 128);
        }
        if (left > 0) {
            canvas.fillRect(tile.x(), fit.y(), left, fit.height(), 16, 128, 128);
        }
        if (right > 0) {
            canvas.fillRect(fit.x() + fit.width(), fit.y(), right, fit.height(), 16, 128, 128);
        }
    }

    /** Pictures decoded (and scaled) so far. */
    public long decodedFrames() {
        return decodedFrames.get();
    }

    /** Pictures dropped because the compositor did not take them in time (queue full). */
    public long droppedFrames() {
        return droppedFrames.get();
    }

    /** Pictures not decoded or not shown because the program shed this tile's work ({@link #shed}). */
    public long shedFrames() {
        return shedFrames.get();
    }

    /** Packets dropped before the decoder because the speaker was hidden. */
    public long hiddenDrops() {
        return hiddenDrops.get();
    }

    /** Packets skipped while waiting for a keyframe (after being shown, a reconnect or an error). */
    public long keyframeWaits() {
        return keyframeWaits.get();
    }

    /** Packets the decoder rejected (corrupt bitstream, unusable configuration). */
    public long errors() {
        return errors.get();
    }

    /** Whether the decoder currently skips the loop filter and non-reference frames (small tile). */
    boolean reducedDecoding() {
        H264Decoder d = decoder;
        return d != null && d.reduced();
    }

    /** Frees the decoder, the scalers and every picture. Idempotent; call once the other threads stopped using it. */
    @Override
    public void close() {
        synchronized (queue) {
            if (closed) {
                return;
            }
            closed = true;
        }
        clearQueueAfterClose();
        if (shown != null) {
            shown.picture().close();
            shown = null;
        }
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
        Picture p;
        while ((p = spare.pollFirst()) != null) {
            p.close();
        }
        decodeScaler.close();
        drawScaler.close();
    }

    private void clearQueueAfterClose() {
        synchronized (queue) {
            queue.forEach(d -> d.picture().close());
            queue.clear();
        }
    }
}
