package dev.amphi.transcode.encode;

import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.frame.Picture;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link VideoEncoder} without FFmpeg: one packet per picture at once (no lookahead), a keyframe
 * for the first picture and for every forced IDR. A gate, when given, holds {@link #encode} until it
 * opens, as a slow encoder would, and {@link #waiting} says when a picture waits at it.
 */
final class FakeEncoder implements VideoEncoder {

    static final AvcConfig CONFIG = new AvcConfig(new byte[] {1, 66, 0, 30, (byte) 0xff, (byte) 0xe1, 0, 1, 0x67, 1, 0x68},
            66, 0, 30, 4, List.of(new byte[] {0x67}), List.of(new byte[] {0x68}));

    private final CountDownLatch gate;
    final CountDownLatch waiting = new CountDownLatch(1);
    private boolean first = true;

    /** An encoder that never waits. */
    FakeEncoder() {
        this(null);
    }

    /** An encoder whose every picture waits for {@code gate} (null: none). */
    FakeEncoder(CountDownLatch gate) {
        this.gate = gate;
    }

    @Override
    public AvcConfig config() {
        return CONFIG;
    }

    @Override
    public List<MediaPacket> encode(Picture picture, long pts90k, boolean forceIdr) {
        if (gate != null) {
            waiting.countDown();
            try {
                if (!gate.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        boolean key = first || forceIdr;
        first = false;
        return List.of(new MediaPacket(MediaKind.VIDEO, CONFIG, pts90k, 0, key, new byte[] {0, 0, 0, 1, key ? (byte) 0x65 : 0x41}));
    }

    @Override
    public List<MediaPacket> flush() {
        return List.of();
    }

    @Override
    public void close() {
        // nothing native
    }
}
