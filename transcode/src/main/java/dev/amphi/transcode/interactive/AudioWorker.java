package dev.amphi.transcode.interactive;

import dev.amphi.media.MediaPacket;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Opus mixes on their own thread ({@code amphi-interactive-ROOM-audio}), from {@link #start}
 * until {@link #stop}: for each 20 ms {@link MixFrames.Frame} it picks every subscriber's mix (the
 * one without them when the frame has it, else the common one), encodes each picked mix once with
 * that mix's own {@link OpusEncoder}, and hands the packet to the subscribers of that mix. A mix
 * nobody picks is not encoded, and its encoder is closed (a mix-minus whose speaker left the loud
 * set) until it is picked again. Every packet of frame {@code k} carries timestamp
 * {@code k * 1800}, whichever mix it comes from, so a subscriber whose mix changes sees one
 * packet per frame with no gap. Frames wait in a bounded queue; when the thread is that far
 * behind, frames are dropped (counted as drops of every audio subscriber).
 */
final class AudioWorker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(AudioWorker.class);
    /** Frames queued (2 s) before frames are dropped. */
    static final int QUEUE = 100;
    private static final Object END = new Object();

    private final InteractiveRendition owner;
    private final BlockingQueue<Object> frames = new ArrayBlockingQueue<>(QUEUE + 1);
    final Thread thread;
    private volatile boolean stopped;
    // worker thread only
    private OpusEncoder common;
    private final Map<String, OpusEncoder> minus = new HashMap<>();
    private long errors;

    AudioWorker(InteractiveRendition owner, String room) {
        this.owner = owner;
        this.thread = new Thread(this, "amphi-interactive-" + room + "-audio");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void stop() {
        stopped = true;
        frames.clear();
        frames.offer(END);
    }

    /** Program thread: one frame of every mix. */
    void offer(MixFrames.Frame frame) {
        if (stopped) {
            return;
        }
        if (frames.size() >= QUEUE || !frames.offer(frame)) {
            owner.audioFramesDropped();
        }
    }

    @Override
    public void run() {
        try {
            while (true) {
                Object item = frames.take();
                if (item == END) {
                    break;
                }
                try {
                    encode((MixFrames.Frame) item);
                } catch (RuntimeException e) {
                    if (++errors <= 3) {
                        LOG.error("interactive audio: encoding failed ({} failures so far)", errors, e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (common != null) {
                common.close();
            }
            minus.values().forEach(OpusEncoder::close);
            minus.clear();
            owner.mixesRunning(0);
        }
    }

    private void encode(MixFrames.Frame frame) {
        long dts = frame.index() * OpusEncoder.FRAME_TICKS;
        MediaPacket commonPacket = null;
        Map<String, MediaPacket> minusPackets = new HashMap<>();
        for (Subscriber sub : owner.audioSubscribers()) {
            String id = sub.speakerId();
            MediaPacket p;
            if (id != null && frame.minus().containsKey(id)) {
                p = minusPackets.get(id);
                if (p == null) {
                    OpusEncoder enc = minus.get(id);
                    if (enc == null) {
                        enc = new OpusEncoder(InteractiveRendition.OPUS_BITRATE);
                        minus.put(id, enc);
                    }
                    p = enc.encode(frame.minus().get(id), 0, dts);
                    minusPackets.put(id, p);
                    owner.mixEncoded();
                }
            } else {
                if (commonPacket == null) {
                    if (common == null) {
                        common = new OpusEncoder(InteractiveRendition.OPUS_BITRATE);
                    }
                    commonPacket = common.encode(frame.common(), 0, dts);
                    owner.mixEncoded();
                }
                p = commonPacket;
            }
            if (p != null) {
                sub.deliverAudio(p);
            }
        }
        if (commonPacket == null && common != null) {
            common.close();
            common = null;
        }
        for (Iterator<Map.Entry<String, OpusEncoder>> it = minus.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!minusPackets.containsKey(e.getKey())) {
                e.getValue().close();
                it.remove();
            }
        }
        owner.mixesRunning((common != null ? 1 : 0) + minus.size());
    }
}
