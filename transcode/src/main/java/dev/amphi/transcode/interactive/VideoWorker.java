package dev.amphi.transcode.interactive;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import dev.amphi.media.LatencyTrace;
import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.encode.H264Encoder;
import dev.amphi.transcode.ffmpeg.NativeObjects;
import dev.amphi.transcode.frame.Picture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One size of the interactive video on its own thread ({@code amphi-interactive-ROOM-video}, or
 * {@code -video-high} for the second size), from
 * {@link #start} until {@link #stop}: the program thread copies each canvas into one of
 * {@value #SLOTS} slots ({@link #offer}; when none is free the frame is dropped, counted), this
 * thread scales it (bilinear) to the interactive size, encodes it with an interactive
 * {@link H264Encoder} (an IDR when the rendition says one is due) and hands the packets to the
 * rendition. The encoder, scaler and slots are opened and freed on this thread; the slots are
 * touched by the program thread only under this object's lock and only while the worker runs.
 */
final class VideoWorker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(VideoWorker.class);
    /** Canvases in flight between the program thread and the encoder. */
    static final int SLOTS = 2;
    private static final Job END = new Job(null, 0, 0);

    private final VideoTrack owner;
    private final int canvasW;
    private final int canvasH;
    private final InteractiveRendition.VideoSettings settings;
    private final BlockingQueue<Picture> free = new ArrayBlockingQueue<>(SLOTS);
    private final BlockingQueue<Job> jobs = new ArrayBlockingQueue<>(SLOTS + 1);
    final Thread thread;
    /** Guarded by this: the slots exist and take canvases. */
    private boolean ready;
    /** Guarded by this: stopped, or failed; the slots are (being) freed. */
    private boolean stopped;
    private long errors;

    VideoWorker(VideoTrack owner, String threadName, int canvasW, int canvasH, InteractiveRendition.VideoSettings settings) {
        this.owner = owner;
        this.canvasW = canvasW;
        this.canvasH = canvasH;
        this.settings = settings;
        this.thread = new Thread(this, threadName);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** No more frames; the thread encodes nothing more, frees everything and ends. Any thread. */
    void stop() {
        synchronized (this) {
            stopped = true;
        }
        jobs.clear();
        jobs.offer(END); // room for it: SLOTS + 1, and the queue was just cleared
    }

    /** Program thread: copies {@code canvas} for the encoder, or drops it when the encoder is busy. */
    void offer(Picture canvas, long pts90k) {
        synchronized (this) {
            if (!ready || stopped) {
                return;
            }
            Picture slot = free.poll();
            if (slot == null) {
                owner.frameDropped();
                return;
            }
            slot.makeWritable();
            slot.blit(canvas, 0, 0);
            jobs.add(new Job(slot, pts90k, System.nanoTime()));
        }
    }

    @Override
    public void run() {
        List<Picture> slots = new ArrayList<>(SLOTS);
        H264Encoder encoder = null;
        SwsContext sws = null;
        Picture scaled = null;
        try {
            int w = settings.width();
            int h = settings.height();
            encoder = H264Encoder.interactive(w, h, settings.bitrate(), settings.preset(), settings.fps(), settings.gopFrames());
            if (w != canvasW || h != canvasH) {
                scaled = Picture.allocate(w, h);
                sws = NativeObjects.scaler(sws_getContext(canvasW, canvasH, AV_PIX_FMT_YUV420P, w, h, AV_PIX_FMT_YUV420P,
                        SWS_BILINEAR, null, null, (DoublePointer) null));
                if (sws == null) {
                    throw new IllegalStateException("sws_getContext(" + canvasW + "x" + canvasH + " -> " + w + "x" + h + ") failed");
                }
            }
            for (int i = 0; i < SLOTS; i++) {
                slots.add(Picture.allocate(canvasW, canvasH));
            }
            synchronized (this) {
                if (stopped) {
                    return;
                }
                free.addAll(slots);
                ready = true;
            }
            LOG.info("interactive video {}x{} at {} kbit/s, x264 {} zerolatency, Constrained Baseline, GOP {} frames", w, h,
                    settings.bitrate() / 1000, settings.preset(), settings.gopFrames());
            while (true) {
                Job job = jobs.take();
                if (job == END) {
                    break;
                }
                try {
                    encode(job, encoder, sws, scaled);
                } catch (RuntimeException e) {
                    if (++errors <= 3) {
                        LOG.error("interactive video: encoding failed ({} failures so far)", errors, e);
                    }
                } finally {
                    free.add(job.slot);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            LOG.error("interactive video encoder failed; subscribers get no video until it restarts", e);
        } finally {
            synchronized (this) { // the program thread no longer touches a slot from here on
                stopped = true;
                ready = false;
            }
            slots.forEach(Picture::close);
            if (scaled != null) {
                scaled.close();
            }
            NativeObjects.free(sws);
            if (encoder != null) {
                encoder.close();
            }
        }
    }

    private void encode(Job job, H264Encoder encoder, SwsContext sws, Picture scaled) {
        Picture picture = job.slot;
        if (sws != null) {
            scaled.makeWritable();
            AVFrame src = job.slot.frame();
            AVFrame dst = scaled.frame();
            int rows = sws_scale(sws, src.data(), src.linesize(), 0, canvasH, dst.data(), dst.linesize());
            if (rows != scaled.height()) {
                throw new IllegalStateException("sws_scale wrote " + rows + " rows, expected " + scaled.height());
            }
            picture = scaled;
        }
        boolean idr = owner.keyframeDue(job.pts);
        long t0 = System.nanoTime();
        List<MediaPacket> packets = encoder.encode(picture, job.pts, idr);
        long t1 = System.nanoTime();
        owner.encoded(t1 - t0, t1 - job.handedNanos);
        LatencyTrace.record("encode", t1 - job.handedNanos);
        for (MediaPacket p : packets) {
            LatencyTrace.stamp(p, t1);
            if (p.keyframe()) {
                owner.sawKeyframe(p.pts());
            }
            owner.deliver(p);
        }
    }

    /** One canvas: its slot, program time and when the program thread handed it over. */
    private record Job(Picture slot, long pts, long handedNanos) {
    }
}
