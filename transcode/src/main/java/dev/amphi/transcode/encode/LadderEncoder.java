package dev.amphi.transcode.encode;

import dev.amphi.media.AvcConfig;
import dev.amphi.transcode.frame.Picture;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>The parts: {@link CascadePlan} (which rung is scaled from which), {@link CanvasSlots} (the
 * pool of {@value #DEPTH} canvas slots) and one {@link RungWorker} per rung, each encoding through
 * a {@link VideoEncoder} ({@link H264Encoder} unless a test gives another).
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
    static final double CASCADE_RATIO = CascadePlan.RATIO;
    /** Owner in thread names when none is given: {@code amphi-enc-ladder-<rung>}. */
    public static final String DEFAULT_OWNER = "ladder";

    private static final Logger LOG = LoggerFactory.getLogger(LadderEncoder.class);

    private final int canvasWidth;
    private final int canvasHeight;
    private final List<Rung> rungs;
    private final CascadePlan plan;
    private final List<RungWorker> workers = new ArrayList<>();
    private CanvasSlots slots;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong scaleNanos = new AtomicLong();
    private boolean pendingIdr;
    /** The slot {@link #acquire()} handed out, not yet submitted; program thread only. */
    private CanvasSlots.Slot drawing;
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
        this(owner, canvasW, canvasH, rungs, s, VideoEncoder.Factory.H264, out);
    }

    /** As above, each rung encoding with what {@code encoders} opens (tests: a fake encoder). */
    LadderEncoder(String owner, int canvasW, int canvasH, List<Rung> rungs, EncoderSettings s, VideoEncoder.Factory encoders,
            LadderOutput out) {
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
        Objects.requireNonNull(encoders, "encoders");
        Objects.requireNonNull(out, "output");
        this.canvasWidth = canvasW;
        this.canvasHeight = canvasH;
        this.rungs = List.copyOf(rungs);
        this.plan = CascadePlan.of(canvasW, canvasH, this.rungs);
        try {
            slots = new CanvasSlots(DEPTH, canvasW, canvasH, this.rungs, plan);
            boolean canvasTaken = false; // a rung encodes the canvas as it is: further canvas-size rungs copy it
            for (int i = 0; i < this.rungs.size(); i++) {
                RungWorker w = new RungWorker(owner, i, this.rungs, canvasW, canvasH, plan, canvasTaken, encoders, s, slots,
                        scaleNanos, out, DEPTH);
                workers.add(w);
                canvasTaken |= w.takesCanvasAsItIs();
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

    /** See {@link CascadePlan#sourceRungs}. */
    static int[] sourceRungs(int canvasW, int canvasH, List<Rung> rungs) {
        return CascadePlan.sourceRungs(canvasW, canvasH, rungs);
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
            CanvasSlots.Slot slot = slots.poll();
            if (slot == null) {
                return null;
            }
            slot.picture.makeWritable(); // copies away from buffers an encoder might still reference
            drawing = slot;
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
        CanvasSlots.Slot src = drawing;
        drawing = null;
        lastPts = pts90k;
        boolean frameIdr = idr || pendingIdr;
        pendingIdr = false;
        src.picture.pts(pts90k);
        src.users.set(workers.size());
        RungWorker.Stage[] stages = new RungWorker.Stage[workers.size()];
        for (int i = 0; i < stages.length; i++) {
            if (plan.feeds(i)) {
                stages[i] = new RungWorker.Stage();
            }
        }
        RungWorker.Job job = new RungWorker.Job(src, pts90k, frameIdr, stages);
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
        return slots.awaitAllFree(timeout, unit);
    }

    /**
     * Waits until {@link #encode} would take a frame instead of dropping it (a canvas slot is
     * free); true if that happened in time. For offline runs that must not drop frames.
     */
    public boolean awaitCapacity(long timeout, TimeUnit unit) throws InterruptedException {
        return slots.awaitOneFree(timeout, unit);
    }

    /**
     * Frames taken but not yet encoded by every rung (0..{@value #DEPTH}; at {@value #DEPTH} the next
     * frame is dropped). Any thread; the program reads it to shed tile work before that happens.
     */
    public int backlog() {
        return slots.inUse();
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
                w.queue.add(RungWorker.Job.END); // the queue has room for every picture plus this marker
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
        if (allStopped && slots != null) { // a thread still running may still read a slot's picture
            slots.close();
        }
    }

}
