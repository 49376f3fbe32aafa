package dev.amphi.transcode.video;

import static dev.amphi.transcode.video.SpeakerVideo.HELD_MAX;
import static dev.amphi.transcode.video.SpeakerVideo.HELD_MAX_BYTES;
import static dev.amphi.transcode.video.SpeakerVideo.SHED_HALF;
import static dev.amphi.transcode.video.SpeakerVideo.SHED_KEYFRAMES;
import static dev.amphi.transcode.video.SpeakerVideo.SHED_NONREF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import dev.amphi.media.AvcConfig;
import dev.amphi.media.CodecConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.ffmpeg.NativeObjects;
import dev.amphi.transcode.frame.Picture;
import dev.amphi.transcode.frame.Rect;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decoding half of a speaker's tile (see {@link SpeakerVideo} for the rules): holds packets
 * until the speaker is laid out, drops them while it is hidden or shed, decodes the rest with a
 * {@link VideoDecoder} opened from the packets' configuration (H.264 or VP8, reduced for a small
 * tile; a new configuration, a codec switch included, starts over at a keyframe), scales each
 * picture to the tile's size and offers it to the {@link PictureHandoff}. {@link #onPacket} runs serially on one decode worker;
 * {@link #target}, {@link #shed} and {@link #discontinuity} may be called from any thread.
 */
final class TileDecoder implements AutoCloseable {

    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final Logger log = LoggerFactory.getLogger(SpeakerVideo.class);
    /** {@link #target} before the first call: the program has not laid this speaker out yet. */
    private static final long UNSET = -1;

    private final String speakerId;
    private final TileShortcuts shortcuts;
    private final PictureHandoff handoff;

    /** Target tile size, {@code width << 32 | height}; 0 = hidden, {@link #UNSET} = not laid out yet. */
    private volatile long target = UNSET;
    private final AtomicBoolean discontinuity = new AtomicBoolean();
    private volatile int shed;

    // decode worker
    /** Packets from the last keyframe on, while the target is unset; replayed once it is known. */
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private long heldBytes;
    private VideoDecoder decoder;
    private final FrameScaler decodeScaler;
    private boolean hidden = true;
    private boolean needKeyframe = true;
    private long deliveredWhileHalved;
    private long lastLogNanos;
    private long unloggedErrors;

    final AtomicLong decodedFrames = new AtomicLong();
    final AtomicLong hiddenDrops = new AtomicLong();
    final AtomicLong keyframeWaits = new AtomicLong();
    final AtomicLong keyframeRequests = new AtomicLong();
    /** Asks the speaker's sender for a keyframe (a WebRTC PLI); null for a sender that cannot be asked (RTMP). */
    private volatile Runnable keyframeRequest;
    /** Told whether the tile is shown (see {@link SpeakerVideo#shownListener}); null: nobody listens. */
    private volatile Consumer<Boolean> shownListener;
    /** When {@link #keyframeRequest} last ran, {@link System#nanoTime()}; decode worker only. */
    private long lastKeyframeRequest = System.nanoTime() - KEYFRAME_REQUEST_INTERVAL_NANOS;
    /**
     * How often a tile waiting for a keyframe asks its sender again: an RTMP encoder's keyframe
     * interval, so a WebRTC speaker's tile refreshes as often as an RTMP one's when the program
     * sheds everything but keyframes, without flooding the sender.
     */
    static final long KEYFRAME_REQUEST_INTERVAL_NANOS = 2_000_000_000L;
    final AtomicLong shedFrames = new AtomicLong();
    final AtomicLong errors = new AtomicLong();

    TileDecoder(String speakerId, TileShortcuts shortcuts, PictureHandoff handoff) {
        this.speakerId = speakerId;
        this.shortcuts = shortcuts;
        this.handoff = handoff;
        this.decodeScaler = new FrameScaler(!shortcuts.bilinearScaling());
    }

    /** See {@link SpeakerVideo#keyframeRequests}. */
    void keyframeRequests(Runnable request) {
        keyframeRequest = request;
    }

    /** The decoder needs a keyframe: asks the sender, at most once per interval. Decode worker. */
    private void askForKeyframe() {
        Runnable r = keyframeRequest;
        long now = System.nanoTime();
        if (r == null || now - lastKeyframeRequest < KEYFRAME_REQUEST_INTERVAL_NANOS) {
            return;
        }
        lastKeyframeRequest = now;
        keyframeRequests.incrementAndGet();
        try {
            r.run();
        } catch (RuntimeException e) { // the sender's problem; the tile keeps waiting
            failed(e);
        }
    }

    /** See {@link SpeakerVideo#target}. */
    void target(int w, int h) {
        long t = w == 0 || h == 0 ? 0 : ((long) w << 32) | h;
        long was = target;
        target = t;
        if (was == UNSET || (was == 0) != (t == 0)) {
            announceShown(t != 0);
        }
    }

    /** See {@link SpeakerVideo#shownListener}. */
    void shownListener(Consumer<Boolean> listener) {
        shownListener = listener;
        long t = target;
        if (listener != null && t != UNSET) {
            announceShown(t != 0);
        }
    }

    private void announceShown(boolean shown) {
        Consumer<Boolean> l = shownListener;
        if (l == null) {
            return;
        }
        try {
            l.accept(shown);
        } catch (RuntimeException e) { // the sender's problem; the tile goes on
            log.warn("speaker {}: telling the sender whether its video is shown failed: {}", speakerId, e.toString());
        }
    }

    void shed(int level) {
        shed = level;
    }

    int shedLevel() {
        return shed;
    }

    /** The next packet starts over with a fresh decoder at a keyframe. Any thread. */
    void discontinuity() {
        discontinuity.set(true);
    }

    /** See {@link SpeakerVideo#onPacket}; not after {@link SpeakerVideo#close}. */
    void onPacket(MediaPacket video, long programPts) {
        if (video.kind() != MediaKind.VIDEO) {
            throw new IllegalArgumentException("speaker " + speakerId + ": not a video packet: " + video);
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
                handoff.clear();
            }
            hiddenDrops.incrementAndGet();
            return;
        }
        hidden = false;
        CodecConfig config = video.config();
        if (decoder != null && !decoder.config().equals(config)) {
            resetDecoder(); // a new configuration starts at a keyframe
        }
        int level = shed;
        if (level >= SHED_KEYFRAMES && !video.keyframe()) {
            shedFrames.incrementAndGet();
            needKeyframe = true; // later pictures refer to this one: resume at a keyframe
            askForKeyframe();
            return;
        }
        // H.264 only: VP8's refresh flags sit in its bool-coded header, so at this level a VP8 tile
        // relies on the decoder's own skip_frame = NONREF (set by reduced(), see deliver), uncounted
        if (level >= SHED_NONREF && !video.keyframe() && config instanceof AvcConfig avc
                && !VideoDecoder.isReference(video.data(), avc.nalLengthSize())) {
            shedFrames.incrementAndGet(); // nothing refers to it: the decoder goes on as if it had seen it
            return;
        }
        if (needKeyframe && !video.keyframe()) {
            keyframeWaits.incrementAndGet();
            askForKeyframe();
            return;
        }
        int tw = (int) (t >>> 32);
        int th = (int) t;
        try {
            if (decoder == null) {
                decoder = new VideoDecoder(config);
            }
            needKeyframe = false;
            decoder.decode(video, programPts, frame -> deliver(frame, tw, th));
        } catch (RuntimeException e) { // FfmpegException mostly; a stream must never stop the worker
            failed(e);
        } catch (OutOfMemoryError e) {
            // not the stream's fault: not counted as a decoding error; the decoder's memory goes back
            // at once, and the error goes on to the worker
            resetDecoder();
            throw e;
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
        Rect fit = TileDrawer.fitIn(new Rect(0, 0, tw, th), sw, sh);
        Picture picture;
        boolean adopted = false;
        if (fit.width() == sw && fit.height() == sh && frame.format() == AV_PIX_FMT_YUV420P) {
            // no copy: a second reference to the decoder's buffers
            picture = Picture.adopt(NativeObjects.cloneFrame(frame));
            adopted = true;
        } else {
            picture = handoff.spareOfSize(fit.width(), fit.height());
            try {
                decodeScaler.scale(frame, picture.frame(), new Rect(0, 0, fit.width(), fit.height()));
            } catch (RuntimeException e) {
                picture.close();
                throw e;
            }
        }
        picture.pts(frame.pts());
        decodedFrames.incrementAndGet();
        handoff.offer(new TilePicture(picture, sw, sh, !adopted));
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

    /** Whether the decoder currently skips the loop filter and non-reference frames (small tile). */
    boolean reducedDecoding() {
        VideoDecoder d = decoder;
        return d != null && d.reduced();
    }

    /** Frees the decoder and the scaler; after the decode worker stopped using it. */
    @Override
    public void close() {
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
        decodeScaler.close();
    }
}
