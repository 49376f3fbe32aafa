package dev.amphi.transcode.video;

import dev.amphi.transcode.ffmpeg.FfmpegException;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BICUBIC;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import dev.amphi.transcode.frame.Rect;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Scales a whole frame into a rectangle of a YUV420P frame with libswscale (bilinear, or bicubic on
 * the full-quality path: {@link TileShortcuts#NONE}), keeping one
 * cached {@link SwsContext} that is rebuilt only when the sizes or formats change. One owner
 * thread; {@link #close()} frees the native context. Bilinear costs about as much as fast-bilinear,
 * area or point here (640x360 to 256x144: decode plus scale within 0.35..0.42 ms a frame for all of
 * them, the difference lost in the noise of this machine), so the better-looking one is used.
 */
final class FrameScaler implements AutoCloseable {

    private final int flags;
    private SwsContext sws;
    private final PointerPointer<BytePointer> dstData = new PointerPointer<>(4);
    private final IntPointer dstStride = new IntPointer(4);
    private boolean closed;

    /** A bilinear scaler. */
    FrameScaler() {
        this(false);
    }

    /** A bicubic scaler when {@code bicubic}, else bilinear. */
    FrameScaler(boolean bicubic) {
        this.flags = bicubic ? SWS_BICUBIC : SWS_BILINEAR;
    }

    /**
     * Scales all of {@code src} (any pixel format swscale reads, e.g. yuv420p or yuvj420p) into
     * {@code at} on {@code dst} (yuv420p; {@code at} even and inside it).
     */
    void scale(AVFrame src, AVFrame dst, Rect at) {
        if (closed) {
            throw new IllegalStateException("scaler is closed");
        }
        if (at.x() + at.width() > dst.width() || at.y() + at.height() > dst.height()) {
            throw new IllegalArgumentException(at + " is outside the " + dst.width() + "x" + dst.height() + " destination");
        }
        sws = sws_getCachedContext(sws, src.width(), src.height(), src.format(), at.width(), at.height(),
                AV_PIX_FMT_YUV420P, flags, null, null, (DoublePointer) null);
        if (sws == null) {
            throw new IllegalStateException("sws_getCachedContext failed for " + src.width() + "x" + src.height()
                    + " pixel format " + src.format() + " to " + at.width() + "x" + at.height() + " yuv420p");
        }
        for (int p = 0; p < 3; p++) {
            int shift = p == 0 ? 0 : 1;
            int stride = dst.linesize(p);
            BytePointer plane = new BytePointer(dst.data(p)); // same address, own position
            plane.position((long) (at.y() >> shift) * stride + (at.x() >> shift));
            dstData.put(p, plane);
            dstStride.put(p, stride);
        }
        int rows = sws_scale(sws, src.data(), src.linesize(), 0, src.height(), dstData, dstStride);
        FfmpegException.check(rows, "sws_scale");
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (sws != null) {
                sws_freeContext(sws);
                sws = null;
            }
            dstData.close();
            dstStride.close();
        }
    }
}
