package dev.amphi.transcode.frame;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;

import dev.amphi.transcode.ffmpeg.NativeObjects;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A planar YUV 4:2:0 picture (8 bit, BT.601 limited range) in native memory, backed by one
 * {@link AVFrame}. It has exactly one owner at a time, which must {@link #close()} it; after that
 * every accessor throws. Not thread-safe: hand it between threads only through a safe publication
 * (a lock or a queue).
 *
 * <p>Width and height are even. Plane {@code p}'s row {@code y} starts at
 * {@code data(p) + y * stride(p)}; chroma planes are half width and half height.
 */
public final class Picture implements AutoCloseable {

    private AVFrame frame;
    private final int width;
    private final int height;
    /** Presentation time on the program clock, 90 kHz; owners set it as they see fit. */
    private long pts;

    private Picture(AVFrame frame, int width, int height) {
        this.frame = frame;
        this.width = width;
        this.height = height;
    }

    /** Allocates a black picture of the given size (both even, 2..8192). */
    public static Picture allocate(int width, int height) {
        if (width < 2 || height < 2 || width > 8192 || height > 8192 || (width & 1) != 0 || (height & 1) != 0) {
            throw new IllegalArgumentException("picture size must be even and within 2..8192, got " + width + "x" + height);
        }
        AVFrame f = NativeObjects.frame();
        f.format(AV_PIX_FMT_YUV420P).width(width).height(height);
        int rc = av_frame_get_buffer(f, 32);
        if (rc < 0) {
            NativeObjects.free(f);
            throw new OutOfMemoryError("av_frame_get_buffer failed (" + rc + ") for " + width + "x" + height);
        }
        Picture p = new Picture(f, width, height);
        p.fill(16, 128, 128);
        return p;
    }

    /**
     * Takes ownership of a decoded YUV420P {@link AVFrame} that the caller allocated through
     * {@link NativeObjects} (e.g. {@link NativeObjects#cloneFrame} of a decoder's output); the
     * picture frees it on close.
     */
    public static Picture adopt(AVFrame frame) {
        if (frame.format() != AV_PIX_FMT_YUV420P) {
            throw new IllegalArgumentException("only yuv420p frames can be adopted, got pixel format " + frame.format());
        }
        return new Picture(frame, frame.width(), frame.height());
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public long pts() {
        return pts;
    }

    public void pts(long pts) {
        this.pts = pts;
    }

    /** The underlying frame, still owned by this picture. */
    public AVFrame frame() {
        return live();
    }

    /** Start of plane {@code plane} (0 = Y, 1 = U, 2 = V). */
    public BytePointer data(int plane) {
        return live().data(plane);
    }

    /** Bytes per row of plane {@code plane}. */
    public int stride(int plane) {
        return live().linesize(plane);
    }

    /** Makes the frame's buffers writable (copies them if a reference is shared). */
    public void makeWritable() {
        int rc = av_frame_make_writable(live());
        if (rc < 0) {
            throw new IllegalStateException("av_frame_make_writable failed: " + rc);
        }
    }

    /** Fills the whole picture with one colour. */
    public void fill(int y, int u, int v) {
        fillRect(0, 0, width, height, y, u, v);
    }

    /**
     * Fills a rectangle with one colour. {@code x}, {@code y}, {@code w}, {@code h} must be even
     * and inside the picture.
     */
    public void fillRect(int x, int y, int w, int h, int luma, int cb, int cr) {
        checkRect(x, y, w, h);
        AVFrame f = live();
        fillPlane(f.data(0), f.linesize(0), x, y, w, h, luma);
        fillPlane(f.data(1), f.linesize(1), x / 2, y / 2, w / 2, h / 2, cb);
        fillPlane(f.data(2), f.linesize(2), x / 2, y / 2, w / 2, h / 2, cr);
    }

    /**
     * Copies all of {@code src} into this picture with its top-left corner at ({@code x}, {@code y})
     * (both even); {@code src} must fit.
     */
    public void blit(Picture src, int x, int y) {
        checkRect(x, y, src.width, src.height);
        AVFrame d = live();
        AVFrame s = src.live();
        for (int p = 0; p < 3; p++) {
            int shift = p == 0 ? 0 : 1;
            int rowBytes = src.width >> shift;
            int rows = src.height >> shift;
            int ds = d.linesize(p);
            int ss = s.linesize(p);
            BytePointer dst = new BytePointer(d.data(p));
            BytePointer from = new BytePointer(s.data(p));
            long dBase = (long) (y >> shift) * ds + (x >> shift);
            for (int r = 0; r < rows; r++) {
                dst.position(dBase + (long) r * ds);
                from.position((long) r * ss);
                Pointer.memcpy(dst, from, rowBytes);
            }
        }
    }

    @Override
    public void close() {
        if (frame != null) {
            NativeObjects.free(frame);
            frame = null;
        }
    }

    public boolean isClosed() {
        return frame == null;
    }

    private AVFrame live() {
        if (frame == null) {
            throw new IllegalStateException("picture is closed");
        }
        return frame;
    }

    private void checkRect(int x, int y, int w, int h) {
        if (x < 0 || y < 0 || w < 0 || h < 0 || x + w > width || y + h > height
                || (x & 1) != 0 || (y & 1) != 0 || (w & 1) != 0 || (h & 1) != 0) {
            throw new IllegalArgumentException("rectangle " + w + "x" + h + " at " + x + "," + y
                    + " must be even and inside the " + width + "x" + height + " picture");
        }
    }

    private static void fillPlane(BytePointer plane, int stride, int x, int y, int w, int h, int value) {
        if (w == 0 || h == 0) {
            return;
        }
        BytePointer row = new BytePointer(plane);
        for (int r = 0; r < h; r++) {
            row.position((long) (y + r) * stride + x);
            Pointer.memset(row, value, w);
        }
    }
}
