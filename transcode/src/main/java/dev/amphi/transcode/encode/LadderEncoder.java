package dev.amphi.transcode.encode;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BICUBIC;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import dev.amphi.media.AvcConfig;
import dev.amphi.transcode.ffmpeg.NativeObjects;
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
 * <p>The caller (the room's program clock thread) either draws each frame straight into a canvas
 * slot the ladder owns ({@link #acquire()}, then {@link #submit}), or hands a canvas of its own to
 * {@link #encode}, which copies it into a slot (one memcpy); each rung's thread
 * ({@code amphi-enc-<room>-<rung>}) then scales that source to the rung's size with libswscale
 * (bicubic, as FFmpeg's scale filter; a rung of the canvas's size encodes the source as it is) and encodes it.
 * A rung at most {@code 1/}{@value #CASCADE_RATIO} the size of another scaled rung in both
 * dimensions is scaled from the smallest such rung's picture instead of from the canvas (480p and
 * 360p from 720p in the default ladder): bicubic's cost grows with the source's size, so this
 * takes a third off the ladder's scaling, and its pictures stay within 0.25 dB PSNR of
 * scaling from the canvas (bench/compose.sh). Such a rung's thread waits for that rung's picture
 * of the same frame. When
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
 * stops the threads and frees the native objects. A constructor that fails (an encoder that does
 * not open, e.g. {@code h264_nvenc} without a GPU) frees what it had opened before it throws.
 */
public final class LadderEncoder implements AutoCloseable {

    /** Frames in flight (copied, not yet encoded by every rung) before the ladder drops. */
    public static final int DEPTH = 3;
    /** How much larger (both dimensions) a scaled rung must be to serve as another rung's source. */
    static final double CASCADE_RATIO = 1.4;
    /** Owner in thread names when none is given: {@code amphi-enc-ladder-<rung>}. */
    public static final String DEFAULT_OWNER = "ladder";
    /** Longest wait for a source rung's picture; only a stuck thread takes that long. */
    private static final long STAGE_WAIT_SECONDS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(LadderEncoder.class);

    private final String owner;
    private final int canvasWidth;
    private final int canvasHeight;
    private final List<Rung> rungs;
    /** Per rung: the index of the rung whose picture it is scaled from, or -1 for the canvas. */
    private final int[] sourceRung;
    /** Per rung: whether another rung is scaled from its picture. */
    private final boolean[] feeds;
    private final List<RungWorker> workers = new ArrayList<>();
    private final List<Source> sources = new ArrayList<>(DEPTH);
    private final BlockingQueue<Source> freeSources = new ArrayBlockingQueue<>(DEPTH);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong scaleNanos = new AtomicLong();
    private boolean pendingIdr;
    /** The slot {@link #acquire()} handed out, not yet submitted; program thread only. */
    private Source drawing;
    private long lastPts = Long.MIN_VALUE;
    private volatile boolean closed;

    /** A ladder of no room: its threads are {@code amphi-enc-}{@value #DEFAULT_OWNER}{@code -<rung>}. */
    public LadderEncoder(int canvasW, int canvasH, List<Rung> rungs, EncoderSettings s, LadderOutput out) {
        this(DEFAULT_OWNER, canvasW, canvasH, rungs, s, out);
    }

    /**
     * Opens one encoder per rung and starts their threads, named {@code amphi-enc-<owner>-<rung>}
     * (the owner is the room).
     *
     * @param owner what the ladder encodes for, in its thread names: 1..64 of
     *              {@code [A-Za-z0-9_-]} (a room name)
     * @throws IllegalArgumentException for no rungs, duplicate rung names, an odd canvas size or a
     *                                  bad owner name
     * @throws IllegalStateException    when an encoder does not open (see {@link H264Encoder}); what
     *                                  was opened before is freed
     */
    public LadderEncoder(String owner, int canvasW, int canvasH, List<Rung> rungs, EncoderSettings s, LadderOutput out) {
        if (owner == null || !owner.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("ladder owner must match [A-Za-z0-9_-]{1,64}, got '" + owner + "'");
        }
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
        this.owner = owner;
        this.canvasWidth = canvasW;
        this.canvasHeight = canvasH;
        this.rungs = List.copyOf(rungs);
        this.sourceRung = sourceRungs(canvasW, canvasH, this.rungs);
        this.feeds = new boolean[this.rungs.size()];
        for (int from : sourceRung) {
            if (from >= 0) {
                feeds[from] = true;
            }
        }
        try {
            for (int i = 0; i < DEPTH; i++) {
                Picture[] rungPictures = new Picture[this.rungs.size()];
                Source src = new Source(Picture.allocate(canvasW, canvasH), rungPictures);
                sources.add(src);
                for (int r = 0; r < rungPictures.length; r++) {
                    if (feeds[r]) {
                        rungPictures[r] = Picture.allocate(this.rungs.get(r).width(), this.rungs.get(r).height());
                    }
                }
                freeSources.add(src);
            }
            for (int i = 0; i < this.rungs.size(); i++) {
                workers.add(new RungWorker(i, this.rungs.get(i), s, out));
            }
            for (RungWorker w : workers) {
                w.thread.start(); // can fail too (no native thread): close() stops those already started
            }
        } catch (RuntimeException | Error e) {
            try {
                close();
            } catch (RuntimeException | Error suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The rungs, in the order their indices refer to. */
    public List<Rung> rungs() {
        return rungs;
    }

    /**
     * Where each rung's picture is scaled from: the index of a scaled rung at least
     * {@value #CASCADE_RATIO} times its size in both dimensions (the smallest such, itself scaled
     * from the canvas), or -1 for the canvas. Rungs of the canvas's size take the canvas as it is.
     */
    static int[] sourceRungs(int canvasW, int canvasH, List<Rung> rungs) {
        int n = rungs.size();
        int[] from = new int[n];
        java.util.Arrays.fill(from, -1);
        for (int i = 0; i < n; i++) {
            Rung r = rungs.get(i);
            if (r.width() == canvasW && r.height() == canvasH) {
                continue;
            }
            long best = Long.MAX_VALUE;
            for (int j = 0; j < n; j++) {
                Rung c = rungs.get(j);
                boolean scaled = !(c.width() == canvasW && c.height() == canvasH);
                if (j != i && scaled && c.width() >= CASCADE_RATIO * r.width() && c.height() >= CASCADE_RATIO * r.height()
                        && c.width() <= canvasW && c.height() <= canvasH && (long) c.width() * c.height() < best) {
                    best = (long) c.width() * c.height();
                    from[i] = j;
                }
            }
        }
        // one level only: a rung that is scaled from another rung does not feed a third
        for (int i = 0; i < n; i++) {
            if (from[i] >= 0 && from[from[i]] >= 0) {
                from[i] = from[from[i]];
            }
        }
        return from;
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
        checkPts(pts90k);
        Picture target = acquire();
        if (target == null) {
            drop(idr);
            return false;
        }
        long t0 = System.nanoTime();
        target.blit(canvas, 0, 0);
        scaleNanos.addAndGet(System.nanoTime() - t0);
        submit(pts90k, idr);
        return true;
    }

    /**
     * A free canvas slot for the caller to draw the next frame into (instead of drawing elsewhere
     * and having {@link #encode} copy it), or null when the slowest rung is {@value #DEPTH} frames
     * behind: then call {@link #drop}. The slot keeps what was last drawn into it (it is one of
     * {@value #DEPTH}, taken in turn), so a caller that draws only what changed must keep track
     * per slot. Until {@link #submit}, further calls return the same slot. Program thread only.
     */
    public Picture acquire() {
        if (closed) {
            throw new IllegalStateException("ladder encoder is closed");
        }
        if (drawing == null) {
            Source src = freeSources.poll();
            if (src == null) {
                return null;
            }
            src.picture.makeWritable(); // copies away from buffers an encoder might still reference
            drawing = src;
        }
        return drawing.picture;
    }

    /**
     * Queues the slot from {@link #acquire()} for every rung.
     *
     * @param pts90k its program time, strictly increasing
     * @param idr    make this frame an IDR in every rung
     */
    public void submit(long pts90k, boolean idr) {
        if (drawing == null) {
            throw new IllegalStateException("submit without an acquired slot");
        }
        checkPts(pts90k);
        Source src = drawing;
        drawing = null;
        lastPts = pts90k;
        boolean frameIdr = idr || pendingIdr;
        pendingIdr = false;
        src.picture.pts(pts90k);
        src.users.set(workers.size());
        Stage[] stages = new Stage[workers.size()];
        for (int i = 0; i < stages.length; i++) {
            if (feeds[i]) {
                stages[i] = new Stage();
            }
        }
        Job job = new Job(src, pts90k, frameIdr, stages);
        for (RungWorker w : workers) {
            w.queue.add(job); // room for DEPTH jobs and the end marker: never full here
        }
    }

    /**
     * Counts a frame dropped for every rung (after {@link #acquire()} found no free slot); an IDR
     * asked for moves to the next frame submitted.
     */
    public void drop(boolean idr) {
        dropped.incrementAndGet();
        pendingIdr |= idr;
    }

    private void checkPts(long pts90k) {
        if (pts90k <= lastPts) {
            throw new IllegalArgumentException("pts must increase: " + pts90k + " after " + lastPts);
        }
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
        boolean allStopped = true;
        for (RungWorker w : workers) {
            try {
                w.thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (w.thread.isAlive()) {
                LOG.error("encoder thread {} did not stop; leaking its native objects", w.thread.getName());
                allStopped = false;
                continue;
            }
            w.free();
        }
        if (allStopped) { // a thread still running may still read a source picture
            sources.forEach(Source::close);
        }
    }

    /**
     * A copy of one canvas, shared by the rungs until each has scaled or encoded it, with the
     * pictures of the rungs other rungs are scaled from (null for the others).
     */
    private static final class Source {
        final Picture picture;
        final Picture[] rungPictures;
        final java.util.concurrent.atomic.AtomicInteger users = new java.util.concurrent.atomic.AtomicInteger();

        Source(Picture picture, Picture[] rungPictures) {
            this.picture = picture;
            this.rungPictures = rungPictures;
        }

        void close() {
            picture.close();
            for (Picture p : rungPictures) {
                if (p != null) {
                    p.close();
                }
            }
        }
    }

    /** One frame's picture of a rung that others are scaled from: done once it is scaled (or failed). */
    private static final class Stage {
        final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        volatile boolean ok;
    }

    /** One frame for every rung; {@code stages[i]} is set where rung i feeds other rungs. */
    private record Job(Source source, long pts, boolean idr, Stage[] stages) {
        static final Job END = new Job(null, 0, false, new Stage[0]);
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
        /** The rung this one is scaled from, -1 for the canvas. */
        final int from;

        RungWorker(int index, Rung rung, EncoderSettings s, LadderOutput out) {
            this.index = index;
            this.rung = rung;
            this.out = out;
            this.thread = new Thread(this, "amphi-enc-" + owner + "-" + rung.name());
            thread.setDaemon(true);
            this.from = sourceRung[index];
            encoder = new H264Encoder(rung.width(), rung.height(), rung.videoBitrate(), s);
            try {
                boolean canvasSize = rung.width() == canvasWidth && rung.height() == canvasHeight;
                if (canvasSize && workers.stream().anyMatch(w -> w.scaled == null && w.sws == null)) {
                    // a second canvas-size rung copies: two encoders must not set fields of one frame at once
                    scaled = Picture.allocate(rung.width(), rung.height());
                } else if (!canvasSize) {
                    if (!feeds[index]) { // a rung that feeds others scales into the source's picture for it
                        scaled = Picture.allocate(rung.width(), rung.height());
                    }
                    int srcW = from < 0 ? canvasWidth : rungs.get(from).width();
                    int srcH = from < 0 ? canvasHeight : rungs.get(from).height();
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

        /**
         * The picture to encode for this job: the canvas itself, this rung's copy of it, or the
         * canvas or a larger rung's picture scaled to this rung's size. A rung that feeds others
         * scales into the job's picture for it and tells them it is there (or that it failed).
         */
        Picture prepare(Job job) throws InterruptedException {
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
            Picture source = job.source().picture;
            if (scaled == null && sws == null) {
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
                source = job.source().rungPictures[from];
            }
            Picture target = feeds[index] ? job.source().rungPictures[index] : scaled;
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
                    List<dev.amphi.media.MediaPacket> packets = List.of();
                    try {
                        Picture picture = prepare(job);
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
            NativeObjects.free(sws);
            sws = null;
            encoder.close();
        }
    }
}
