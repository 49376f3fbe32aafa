package dev.amphi.transcode.encode;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BICUBIC;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.ffmpeg.NativeObjects;
import dev.amphi.transcode.frame.Picture;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rung of the ladder on its own thread ({@code amphi-enc-<owner>-<rung>}): takes each frame's
 * canvas slot from its queue, gets the rung's picture (the canvas as it is, a copy of it, or the
 * canvas or a larger rung's picture scaled with libswscale, bicubic as FFmpeg's scale filter),
 * encodes it, releases the slot and hands the packets to the {@link LadderOutput}, in order. A rung
 * that feeds others scales into the slot's picture for it and tells them when it is there.
 * Encoding failures are logged (bounded) and counted; the frame is lost for this rung only.
 */
final class RungWorker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(RungWorker.class);
    /** Longest wait for a source rung's picture; only a stuck thread takes that long. */
    private static final long STAGE_WAIT_SECONDS = 10;

    final int index;
    final Rung rung;
    final VideoEncoder encoder;
    final BlockingQueue<Job> queue;
    final Thread thread;
    final AtomicLong frames = new AtomicLong();
    final AtomicLong encodeNanos = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    private final LadderOutput out;
    private final List<Rung> rungs;
    private final CascadePlan plan;
    private final CanvasSlots slots;
    private final AtomicLong scaleNanos;
    /** The rung this one is scaled from, -1 for the canvas. */
    private final int from;
    private Picture scaled;
    private SwsContext sws;

    /**
     * Opens the rung's encoder and scaler (the thread is not started); frees them when a step fails.
     *
     * @param copyCanvas a rung of the canvas's size that copies the canvas instead of encoding it as
     *                   it is (two encoders must not set fields of one frame at once)
     */
    RungWorker(String owner, int index, List<Rung> rungs, int canvasW, int canvasH, CascadePlan plan, boolean copyCanvas,
            VideoEncoder.Factory encoders, EncoderSettings settings, CanvasSlots slots, AtomicLong scaleNanos,
            LadderOutput out, int depth) {
        this.index = index;
        this.rung = rungs.get(index);
        this.rungs = rungs;
        this.plan = plan;
        this.slots = slots;
        this.scaleNanos = scaleNanos;
        this.out = out;
        this.queue = new ArrayBlockingQueue<>(depth + 1); // every slot plus the end marker
        this.thread = new Thread(this, "amphi-enc-" + owner + "-" + rung.name());
        thread.setDaemon(true);
        this.from = plan.from(index);
        encoder = encoders.open(rung, settings);
        try {
            boolean canvasSize = rung.width() == canvasW && rung.height() == canvasH;
            if (canvasSize && copyCanvas) {
                scaled = Picture.allocate(rung.width(), rung.height());
            } else if (!canvasSize) {
                if (!plan.feeds(index)) { // a rung that feeds others scales into the slot's picture for it
                    scaled = Picture.allocate(rung.width(), rung.height());
                }
                int srcW = from < 0 ? canvasW : rungs.get(from).width();
                int srcH = from < 0 ? canvasH : rungs.get(from).height();
                // bicubic, as FFmpeg's scale filter: bilinear cost the lower rungs 1.5-2.5 dB PSNR against the
                // canvas (bench/compose.sh) for a few percent less CPU
                sws = NativeObjects.scaler(sws_getContext(srcW, srcH, AV_PIX_FMT_YUV420P, rung.width(), rung.height(),
                        AV_PIX_FMT_YUV420P, SWS_BICUBIC, null, null, (DoublePointer) null));
                if (sws == null) {
                    throw new IllegalStateException("sws_getContext(" + srcW + "x" + srcH + " -> "
                            + rung.width() + "x" + rung.height() + ") failed");
                }
            }
        } catch (RuntimeException | Error e) {
            free();
            throw e;
        }
    }

    /** Whether this rung encodes the canvas itself (a canvas-size rung that does not copy it). */
    boolean takesCanvasAsItIs() {
        return scaled == null && sws == null;
    }

    /**
     * The picture to encode for this job: the canvas itself, this rung's copy of it, or the
     * canvas or a larger rung's picture scaled to this rung's size. A rung that feeds others
     * scales into the job's picture for it and tells them it is there (or that it failed).
     */
    private Picture prepare(Job job) throws InterruptedException {
        Stage mine = job.stages()[index];
        try {
            Picture picture = scale(job);
            if (mine != null) {
                mine.ok = true;
            }
            return picture;
        } finally {
            if (mine != null) {
                mine.done.countDown();
            }
        }
    }

    private Picture scale(Job job) throws InterruptedException {
        Picture source = job.slot().picture;
        if (takesCanvasAsItIs()) {
            return source;
        }
        if (from >= 0) {
            Stage stage = job.stages()[from];
            if (!stage.done.await(STAGE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("rung " + rungs.get(from).name() + " did not scale the frame in "
                        + STAGE_WAIT_SECONDS + " s");
            }
            if (!stage.ok) {
                throw new IllegalStateException("rung " + rungs.get(from).name()
                        + " failed to scale the frame this rung is scaled from");
            }
            source = job.slot().rungPictures[from];
        }
        Picture target = plan.feeds(index) ? job.slot().rungPictures[index] : scaled;
        long t0 = System.nanoTime();
        target.makeWritable();
        if (sws == null) {
            target.blit(source, 0, 0);
            scaleNanos.addAndGet(System.nanoTime() - t0);
            return target;
        }
        AVFrame src = source.frame();
        AVFrame dst = target.frame();
        int rows = sws_scale(sws, src.data(), src.linesize(), 0, source.height(), dst.data(), dst.linesize());
        scaleNanos.addAndGet(System.nanoTime() - t0);
        if (rows != rung.height()) {
            throw new IllegalStateException("sws_scale to rung " + rung.name() + " wrote " + rows + " rows, expected "
                    + rung.height());
        }
        return target;
    }

    @Override
    public void run() {
        try {
            while (true) {
                Job job = queue.take();
                if (job == Job.END) {
                    break;
                }
                List<MediaPacket> packets = List.of();
                try {
                    Picture picture = prepare(job);
                    long t0 = System.nanoTime();
                    packets = encoder.encode(picture, job.pts(), job.idr());
                    encodeNanos.addAndGet(System.nanoTime() - t0);
                    frames.incrementAndGet();
                } catch (RuntimeException e) {
                    fail(e);
                } finally {
                    slots.release(job.slot()); // encoders copy the frame in encode(), see VideoEncoder
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

    private void deliver(List<MediaPacket> packets) {
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

    /** Frees the picture, scaler and encoder; after the thread has stopped (or never started). */
    void free() {
        if (scaled != null) {
            scaled.close();
        }
        NativeObjects.free(sws);
        sws = null;
        encoder.close();
    }

    /** One frame's picture of a rung that others are scaled from: done once it is scaled (or failed). */
    static final class Stage {
        final CountDownLatch done = new CountDownLatch(1);
        volatile boolean ok;
    }

    /** One frame for every rung; {@code stages[i]} is set where rung i feeds other rungs. */
    record Job(CanvasSlots.Slot slot, long pts, boolean idr, Stage[] stages) {
        static final Job END = new Job(null, 0, false, new Stage[0]);
    }
}
