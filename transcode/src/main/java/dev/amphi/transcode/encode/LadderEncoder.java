package dev.amphi.transcode.encode;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BICUBIC;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import dev.amphi.media.AvcConfig;
import dev.amphi.transcode.frame.Picture;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes the composited canvas into every rung of the ladder.
 *
 * <p>{@link #encode} runs on the caller's thread (the room's program clock thread) and only copies
 * the canvas into a source picture the ladder owns (one memcpy); each rung's thread
 * ({@code amphi-enc-<rung>}) then scales that source to the rung's size with libswscale
 * (bicubic, as FFmpeg's scale filter; a rung of the canvas's size encodes the source as it is) and encodes it. When
 * {@code encode} returns no reference to the canvas remains, so the compositor may draw the next
 * frame at once. At most {@value #DEPTH} frames are in flight; when the slowest rung is that far
 * behind, the frame is dropped for <em>every</em> rung (counted in {@link #droppedFrames()}; the
 * program sheds tile work before it comes to that, watching {@link #backlog()}), and an
 * IDR requested for a dropped frame moves to the next accepted one. Every rung thus gets the same
 * frames with the same IDR decisions, and its {@link H264Encoder} puts IDRs on exactly the same pts
 * in every rung.
 *
 * <p>Packets reach the {@link LadderOutput} on the rung's thread, in order per rung.
 * {@link #close()} encodes what is queued, flushes every encoder (delivering the last packets),
 * stops the threads and frees the native objects.
 */
public final class LadderEncoder implements AutoCloseable {

    /** Frames in flight (copied, not yet encoded by every rung) before the ladder drops. */
    public static final int DEPTH = 3;

    private static final Logger LOG = LoggerFactory.getLogger(LadderEncoder.class);

    private final int canvasWidth;
    private final int canvasHeight;
    private final List<Rung> rungs;
    private final List<RungWorker> workers = new ArrayList<>();
    private final List<Source> sources = new ArrayList<>(DEPTH);
    private final BlockingQueue<Source> freeSources = new ArrayBlockingQueue<>(DEPTH);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong scaleNanos = new AtomicLong();
    private boolean pendingIdr;
    private long lastPts = Long.MIN_VALUE;
    private volatile boolean closed;

    /**
     * Opens one encoder per rung and starts their threads.
     *
     * @throws IllegalArgumentException for no rungs, duplicate rung names or an odd canvas size
     * @throws IllegalStateException    when an encoder does not open (see {@link H264Encoder})
     */
    public LadderEncoder(int canvasW, int canvasH, List<Rung> rungs, EncoderSettings s, LadderOutput out) {
        if (canvasW < 16 || canvasH < 16 || ((canvasW | canvasH) & 1) != 0) {
            throw new IllegalArgumentException("canvas must be even and at least 16x16, got " + canvasW + "x" + canvasH);
        }
        if (rungs == null || rungs.isEmpty()) {
            throw new IllegalArgumentException("a ladder needs at least one rung");
        }
        var names = new HashSet<String>();
        for (Rung r : rungs) {
            if (!names.add(r.name())) {
                throw new IllegalArgumentException("rung name " + r.name() + " appears twice in " + rungs);
            }
        }
        Objects.requireNonNull(s, "settings");
        Objects.requireNonNull(out, "output");
        this.canvasWidth = canvasW;
        this.canvasHeight = canvasH;
        this.rungs = List.copyOf(rungs);
        try {
            for (int i = 0; i < DEPTH; i++) {
                Source src = new Source(Picture.allocate(canvasW, canvasH));
                sources.add(src);
                freeSources.add(src);
            }
            for (int i = 0; i < this.rungs.size(); i++) {
                workers.add(new RungWorker(i, this.rungs.get(i), s, out));
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        workers.forEach(w -> w.thread.start());
    }

    /** The rungs, in the order their indices refer to. */
    public List<Rung> rungs() {
        return rungs;
    }

    /** The decoder configuration of rung {@code rung}'s packets, known before the first packet. */
    public AvcConfig config(int rung) {
        return workers.get(rung).encoder.config();
    }

    /**
     * Copies one canvas and queues it for every rung.
     *
     * @param canvas the composited picture, {@code canvasW x canvasH}; not referenced after return
     * @param pts90k its program time, strictly increasing
     * @param idr    make this frame (or, if it is dropped, the next accepted one) an IDR in every rung
     * @return false when the frame was dropped (for every rung) because the slowest rung is
     *         {@value #DEPTH} frames behind
     */
    public boolean encode(Picture canvas, long pts90k, boolean idr) {
        if (closed) {
            throw new IllegalStateException("ladder encoder is closed");
        }
        if (canvas.width() != canvasWidth || canvas.height() != canvasHeight) {
            throw new IllegalArgumentException("canvas is " + canvas.width() + "x" + canvas.height() + ", the ladder takes "
                    + canvasWidth + "x" + canvasHeight);
        }
        if (pts90k <= lastPts) {
            throw new IllegalArgumentException("pts must increase: " + pts90k + " after " + lastPts);
        }
        Source src = freeSources.poll();
        if (src == null) {
            dropped.incrementAndGet();
            pendingIdr |= idr;
            return false;
        }
        lastPts = pts90k;
        boolean frameIdr = idr || pendingIdr;
        pendingIdr = false;
        long t0 = System.nanoTime();
        src.picture.makeWritable(); // copies away from buffers an encoder might still reference
        src.picture.blit(canvas, 0, 0);
        src.picture.pts(pts90k);
        scaleNanos.addAndGet(System.nanoTime() - t0);
        src.users.set(workers.size());
        Job job = new Job(src, pts90k, frameIdr);
        for (RungWorker w : workers) {
            w.queue.add(job); // room for DEPTH jobs and the end marker: never full here
        }
        return true;
    }

    /**
     * Waits until every rung has encoded what was queued (the last packets may still be on their way
     * to the output); true if that happened in time. For tests and calibration.
     */
    public boolean awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (freeSources) {
            while (freeSources.size() < sources.size()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(freeSources, left);
            }
        }
        return true;
    }

    /**
     * Waits until {@link #encode} would take a frame instead of dropping it (a canvas slot is
     * free); true if that happened in time. For offline runs that must not drop frames.
     */
    public boolean awaitCapacity(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (freeSources) {
            while (freeSources.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(freeSources, left);
            }
        }
        return true;
    }

    private void release(Source src) {
        if (src.users.decrementAndGet() == 0) {
            synchronized (freeSources) {
                freeSources.add(src);
                freeSources.notifyAll();
            }
        }
    }

    /**
     * Frames taken but not yet encoded by every rung (0..{@value #DEPTH}; at {@value #DEPTH} the next
     * frame is dropped). Any thread; the program reads it to shed tile work before that happens.
     */
    public int backlog() {
        return sources.size() - freeSources.size();
    }

    /** Frames dropped for every rung because one was too far behind. */
    public long droppedFrames() {
        return dropped.get();
    }

    /** Frames rung {@code rung} has encoded. */
    public long framesEncoded(int rung) {
        return workers.get(rung).frames.get();
    }

    /** Time rung {@code rung}'s encoder spent in {@code encode}, nanoseconds. */
    public long encodeNanos(int rung) {
        return workers.get(rung).encodeNanos.get();
    }

    /** Bytes of video rung {@code rung} has output. */
    public long bytesOut(int rung) {
        return workers.get(rung).bytes.get();
    }

    /** Time spent copying canvases (caller's thread) and scaling them (rung threads), nanoseconds. */
    public long scaleNanos() {
        return scaleNanos.get();
    }

    /** Encoder failures (logged, the frame lost for that rung). Should stay 0. */
    public long errors() {
        return workers.stream().mapToLong(w -> w.errors.get()).sum();
    }

    /** Encodes what is queued, flushes the encoders, stops the threads and frees everything. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RungWorker w : workers) {
            if (w.thread.isAlive()) {
                w.queue.add(Job.END); // the queue has room for every picture plus this marker
            }
        }
        for (RungWorker w : workers) {
            try {
                w.thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (w.thread.isAlive()) {
                LOG.error("encoder thread {} did not stop; leaking its native objects", w.thread.getName());
                continue;
            }
            w.free();
        }
    }

    /** A copy of one canvas, shared by the rungs until each has scaled or encoded it. */
    private static final class Source {
        final Picture picture;
        final java.util.concurrent.atomic.AtomicInteger users = new java.util.concurrent.atomic.AtomicInteger();

        Source(Picture picture) {
            this.picture = picture;
        }
    }

    private record Job(Source source, long pts, boolean idr) {
        static final Job END = new Job(null, 0, false);
    }

    /** One rung: its picture, scaler, encoder and thread. */
    private final class RungWorker implements Runnable {
        final int index;
        final Rung rung;
        final LadderOutput out;
        final H264Encoder encoder;
        final BlockingQueue<Job> queue = new ArrayBlockingQueue<>(DEPTH + 1);
        Picture scaled;
        final Thread thread;
        final AtomicLong frames = new AtomicLong();
        final AtomicLong encodeNanos = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        SwsContext sws;

        RungWorker(int index, Rung rung, EncoderSettings s, LadderOutput out) {
            this.index = index;
            this.rung = rung;
            this.out = out;
            this.thread = new Thread(this, "amphi-enc-" + rung.name());
            thread.setDaemon(true);
            encoder = new H264Encoder(rung.width(), rung.height(), rung.videoBitrate(), s);
            try {
                boolean canvasSize = rung.width() == canvasWidth && rung.height() == canvasHeight;
                if (canvasSize && workers.stream().anyMatch(w -> w.scaled == null)) {
                    // a second canvas-size rung copies: two encoders must not set fields of one frame at once
                    scaled = Picture.allocate(rung.width(), rung.height());
                } else if (!canvasSize) {
                    scaled = Picture.allocate(rung.width(), rung.height());
                    // bicubic, as FFmpeg's scale filter: bilinear cost the lower rungs 1.5-2.5 dB PSNR against the
                    // canvas (bench/compose.sh) for a few percent less CPU
                    sws = sws_getContext(canvasWidth, canvasHeight, AV_PIX_FMT_YUV420P, rung.width(), rung.height(),
                            AV_PIX_FMT_YUV420P, SWS_BICUBIC, null, null, (DoublePointer) null);
                    if (sws == null) {
                        throw new IllegalStateException("sws_getContext(" + canvasWidth + "x" + canvasHeight + " -> "
                                + rung.width() + "x" + rung.height() + ") failed");
                    }
                }
            } catch (RuntimeException | Error e) {
                free();
                throw e;
            }
        }

        /** The picture to encode for this job: the source itself, or this rung's scaled copy. */
        Picture prepare(Picture source) {
            if (scaled == null) {
                return source;
            }
            long t0 = System.nanoTime();
            scaled.makeWritable();
            if (sws == null) {
                scaled.blit(source, 0, 0);
                scaleNanos.addAndGet(System.nanoTime() - t0);
                return scaled;
            }
            AVFrame src = source.frame();
            AVFrame dst = scaled.frame();
            int rows = sws_scale(sws, src.data(), src.linesize(), 0, canvasHeight, dst.data(), dst.linesize());
            scaleNanos.addAndGet(System.nanoTime() - t0);
            if (rows != rung.height()) {
                throw new IllegalStateException("sws_scale to rung " + rung.name() + " wrote " + rows + " rows, expected "
                        + rung.height());
            }
            return scaled;
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Job job = queue.take();
                    if (job == Job.END) {
                        break;
                    }
                    List<dev.amphi.media.MediaPacket> packets = List.of();
                    try {
                        Picture picture = prepare(job.source().picture);
                        long t0 = System.nanoTime();
                        packets = encoder.encode(picture, job.pts(), job.idr());
                        encodeNanos.addAndGet(System.nanoTime() - t0);
                        frames.incrementAndGet();
                    } catch (RuntimeException e) {
                        fail(e);
                    } finally {
                        release(job.source()); // encoders copy the frame in encode(), see H264Encoder
                    }
                    try {
                        deliver(packets);
                    } catch (RuntimeException e) {
                        fail(e);
                    }
                }
                deliver(encoder.flush());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        private void deliver(List<dev.amphi.media.MediaPacket> packets) {
            for (var p : packets) {
                bytes.addAndGet(p.data().length);
                out.video(index, p);
            }
        }

        private void fail(RuntimeException e) {
            long n = errors.incrementAndGet();
            if (n <= 3 || Long.bitCount(n) == 1) {
                LOG.error("rung {}: encoding failed ({} failures so far)", rung.name(), n, e);
            }
        }

        void free() {
            if (scaled != null) {
                scaled.close();
            }
            if (sws != null) {
                sws_freeContext(sws);
                sws = null;
            }
            encoder.close();
        }
    }
}
