package dev.amphi.transcode.ffmpeg;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_clone;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.swresample.swr_free;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.ffmpeg.swscale.SwsContext;

/**
 * Allocates and frees the FFmpeg objects this module owns (codec contexts, frames, packets,
 * scaler and resampler contexts) and counts the ones alive, so that a leak shows as a count that
 * does not come back: {@link #live()} before a piece of work and after everything it opened was
 * closed must be equal. JavaCPP's own {@code Pointer.totalBytes()} does not see these objects
 * (FFmpeg allocates them with {@code av_malloc}), hence this count. Counting costs one
 * {@link LongAdder} add per allocation and per free. Any thread.
 *
 * <p>Every allocation fails with an {@link OutOfMemoryError} naming the call when FFmpeg returns
 * no object; every free takes null (or an already freed object) and does nothing then.
 */
public final class NativeObjects {

    /** What kind of FFmpeg object. */
    public enum Kind {
        /** {@code AVCodecContext}: a decoder or encoder. */
        CODEC_CONTEXT,
        /** {@code AVFrame}, with the buffers it references. */
        FRAME,
        /** {@code AVPacket}. */
        PACKET,
        /** {@code SwsContext} (libswscale). */
        SCALER,
        /** {@code SwrContext} (libswresample). */
        RESAMPLER
    }

    private static final Map<Kind, LongAdder> LIVE = new EnumMap<>(Kind.class);

    static {
        for (Kind k : Kind.values()) {
            LIVE.put(k, new LongAdder());
        }
    }

    private NativeObjects() {
    }

    /** FFmpeg objects allocated through this class and not freed yet, all kinds. */
    public static long live() {
        long n = 0;
        for (LongAdder a : LIVE.values()) {
            n += a.sum();
        }
        return n;
    }

    /** The same, by kind (for messages: which kind leaked). */
    public static Map<Kind, Long> liveByKind() {
        Map<Kind, Long> m = new EnumMap<>(Kind.class);
        LIVE.forEach((k, a) -> m.put(k, a.sum()));
        return m;
    }

    /** {@code avcodec_alloc_context3(codec)}; {@code what} names it in the error. */
    public static AVCodecContext codecContext(AVCodec codec, String what) {
        AVCodecContext ctx = avcodec_alloc_context3(codec);
        if (ctx == null || ctx.isNull()) {
            throw new OutOfMemoryError("avcodec_alloc_context3 failed for " + what);
        }
        LIVE.get(Kind.CODEC_CONTEXT).increment();
        return ctx;
    }

    /** {@code avcodec_free_context}. */
    public static void free(AVCodecContext ctx) {
        if (ctx != null && !ctx.isNull()) {
            avcodec_free_context(ctx);
            LIVE.get(Kind.CODEC_CONTEXT).decrement();
        }
    }

    /** {@code av_frame_alloc()}: a frame without buffers. */
    public static AVFrame frame() {
        AVFrame f = av_frame_alloc();
        if (f == null || f.isNull()) {
            throw new OutOfMemoryError("av_frame_alloc failed");
        }
        LIVE.get(Kind.FRAME).increment();
        return f;
    }

    /** {@code av_frame_clone(src)}: a new frame referencing {@code src}'s buffers (no copy). */
    public static AVFrame cloneFrame(AVFrame src) {
        AVFrame f = av_frame_clone(src);
        if (f == null || f.isNull()) {
            throw new OutOfMemoryError("av_frame_clone failed");
        }
        LIVE.get(Kind.FRAME).increment();
        return f;
    }

    /** {@code av_frame_free}: the frame and its references to buffers. */
    public static void free(AVFrame f) {
        if (f != null && !f.isNull()) {
            av_frame_free(f);
            LIVE.get(Kind.FRAME).decrement();
        }
    }

    /** {@code av_packet_alloc()}. */
    public static AVPacket packet() {
        AVPacket p = av_packet_alloc();
        if (p == null || p.isNull()) {
            throw new OutOfMemoryError("av_packet_alloc failed");
        }
        LIVE.get(Kind.PACKET).increment();
        return p;
    }

    /** {@code av_packet_free}. */
    public static void free(AVPacket p) {
        if (p != null && !p.isNull()) {
            av_packet_free(p);
            LIVE.get(Kind.PACKET).decrement();
        }
    }

    /**
     * Counts a scaler context that {@code sws_getContext} returned; null when FFmpeg returned none.
     */
    public static SwsContext scaler(SwsContext created) {
        if (created == null || created.isNull()) {
            return null;
        }
        LIVE.get(Kind.SCALER).increment();
        return created;
    }

    /**
     * Counts what {@code sws_getCachedContext(before, …)} did: it keeps {@code before} (returns it),
     * or frees it and returns a new one, or null when the new one failed.
     */
    public static SwsContext cachedScaler(SwsContext before, SwsContext after) {
        boolean had = before != null && !before.isNull();
        boolean has = after != null && !after.isNull();
        if (had) {
            LIVE.get(Kind.SCALER).decrement();
        }
        if (has) {
            LIVE.get(Kind.SCALER).increment();
        }
        return has ? after : null;
    }

    /** {@code sws_freeContext}. */
    public static void free(SwsContext sws) {
        if (sws != null && !sws.isNull()) {
            sws_freeContext(sws);
            LIVE.get(Kind.SCALER).decrement();
        }
    }

    /** Counts a resampler context that {@code swr_alloc_set_opts2} returned; null when there was none. */
    public static SwrContext resampler(SwrContext created) {
        if (created == null || created.isNull()) {
            return null;
        }
        LIVE.get(Kind.RESAMPLER).increment();
        return created;
    }

    /** {@code swr_free}. */
    public static void free(SwrContext swr) {
        if (swr != null && !swr.isNull()) {
            swr_free(swr);
            LIVE.get(Kind.RESAMPLER).decrement();
        }
    }
}
