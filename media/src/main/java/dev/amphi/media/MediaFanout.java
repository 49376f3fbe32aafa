package dev.amphi.media;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fans one stream out to any number of consumers, each behind its own bounded queue drained on
 * the consumer's own executor. The producer (an ingest event loop) never blocks and never waits
 * for a consumer: when a consumer's queue is full its video is dropped (and then every video
 * packet up to the next keyframe, so its decoder never sees a broken reference), which is counted.
 * Audio is small and is only dropped past twice the capacity, also counted. Memory per consumer
 * is therefore bounded by its capacity.
 *
 * <p>Thread-safe: {@link #onPacket} and {@link #onEnd} may be called from one producer thread at a
 * time; subscribe and close from anywhere.
 */
public final class MediaFanout implements MediaSink {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MediaFanout.class);

    private final List<Sub> subs = new CopyOnWriteArrayList<>();

    private MediaFanout() {
    }

    /** A fan-out with no consumers yet. */
    public static MediaFanout create() {
        return new MediaFanout();
    }

    /**
     * Adds a consumer.
     *
     * @param name     a short name for logs and metrics
     * @param sink     the consumer, called serially on {@code executor}
     * @param executor where the consumer runs (a worker, never an event loop that does I/O for others)
     * @param capacity packets queued before video is dropped; at least 1
     */
    public Subscription subscribe(String name, MediaSink sink, Executor executor, int capacity) {
        return subscribe(name, sink, executor, capacity, 1);
    }

    /**
     * Adds a consumer that is woken per batch rather than per packet: while the stream has video,
     * up to {@code batch - 1} packets wait in its queue before its thread is woken; a video
     * keyframe, the end of the stream or the {@code batch}-th waiting packet wakes it (order is
     * kept, nothing else changes: capacity and drops count waiting packets as queued). For
     * consumers that act at keyframes (HLS packaging cuts segments there) this saves a thread
     * wake-up per packet; waiting packets are delayed by at most {@code batch} packet intervals.
     * Streams without video are delivered packet by packet, as with {@code batch} 1.
     *
     * @param batch 1 (every packet wakes the consumer) to 64
     */
    public Subscription subscribe(String name, MediaSink sink, Executor executor, int capacity, int batch) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(executor, "executor");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        if (batch < 1 || batch > 64) {
            throw new IllegalArgumentException("batch must be between 1 and 64, was " + batch);
        }
        Sub s = new Sub(name, sink, executor, capacity, batch);
        subs.add(s);
        return s;
    }

    /** Number of current consumers. */
    public int subscriberCount() {
        return subs.size();
    }

    @Override
    public void onPacket(MediaPacket packet) {
        for (Sub s : subs) {
            s.offer(packet);
        }
    }

    @Override
    public void onEnd() {
        for (Sub s : subs) {
            s.offer(END);
        }
    }

    /** A consumer's handle: its drop counters, and {@link #close()} to unsubscribe. */
    public interface Subscription extends AutoCloseable {
        String name();

        long droppedVideo();

        long droppedAudio();

        int queued();

        @Override
        void close();
    }

    private static final Object END = new Object();

    private final class Sub implements Subscription, Runnable {
        private final String name;
        private final MediaSink sink;
        private final Executor executor;
        private final int capacity;
        private final int batch;
        private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
        private final AtomicInteger size = new AtomicInteger();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private final AtomicLong droppedVideo = new AtomicLong();
        private final AtomicLong droppedAudio = new AtomicLong();
        private volatile boolean closed;
        /** Producer-side only: drop video until the next keyframe. */
        private boolean skipToKeyframe;
        /** Producer-side only: the stream has sent video since its start or last end. */
        private boolean sawVideo;
        /** Producer-side only: packets queued without waking the consumer. */
        private int waiting;

        Sub(String name, MediaSink sink, Executor executor, int capacity, int batch) {
            this.name = name;
            this.sink = sink;
            this.executor = executor;
            this.capacity = capacity;
            this.batch = batch;
        }

        void offer(Object item) {
            if (closed) {
                return;
            }
            if (item instanceof MediaPacket p) {
                int queued = size.get();
                if (p.kind() == MediaKind.VIDEO) {
                    if (skipToKeyframe && !p.keyframe()) {
                        droppedVideo.incrementAndGet();
                        return;
                    }
                    if (queued >= capacity) {
                        droppedVideo.incrementAndGet();
                        skipToKeyframe = true;
                        return;
                    }
                    skipToKeyframe = false;
                    sawVideo = true;
                } else if (queued >= 2 * capacity) {
                    droppedAudio.incrementAndGet();
                    return;
                }
                if (sawVideo && !(p.keyframe() && p.kind() == MediaKind.VIDEO) && ++waiting < batch) {
                    queue.add(item);
                    size.incrementAndGet();
                    return; // delivered with the next batch or keyframe
                }
            } else {
                skipToKeyframe = false;
                sawVideo = false;
            }
            waiting = 0;
            queue.add(item);
            size.incrementAndGet();
            if (scheduled.compareAndSet(false, true)) {
                executor.execute(this);
            }
        }

        @Override
        public void run() {
            try {
                for (int i = 0; i < 256; i++) {
                    Object item = queue.poll();
                    if (item == null) {
                        break;
                    }
                    size.decrementAndGet();
                    if (closed) {
                        continue;
                    }
                    try {
                        if (item == END) {
                            sink.onEnd();
                        } else {
                            sink.onPacket((MediaPacket) item);
                        }
                    } catch (RuntimeException e) {
                        LOG.warn("consumer {} failed on {}: {}", name, item == END ? "end of stream" : item, e.toString(), e);
                    } catch (Error e) { // out of memory and the like: said in the log, then thrown on to the executor
                        LOG.error("consumer {} failed on {}: {}", name, item == END ? "end of stream" : item, e.toString(), e);
                        throw e;
                    }
                }
            } finally {
                scheduled.set(false);
                if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
                    executor.execute(this);
                }
            }
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long droppedVideo() {
            return droppedVideo.get();
        }

        @Override
        public long droppedAudio() {
            return droppedAudio.get();
        }

        @Override
        public int queued() {
            return size.get();
        }

        @Override
        public void close() {
            closed = true;
            subs.remove(this);
            queue.clear();
            size.set(0);
        }
    }
}
