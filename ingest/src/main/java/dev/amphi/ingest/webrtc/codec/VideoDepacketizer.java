package dev.amphi.ingest.webrtc.codec;

/**
 * What the H.264 and VP8 depacketizers share: frames as runs of packets with one RTP timestamp,
 * ended by the marker bit or a new timestamp; sequence gaps spoil the frame they fall in; late and
 * duplicate packets are ignored; after damage, frames are dropped until a keyframe, and the output
 * is told once per incident that one is needed. Subclasses collect a frame's payloads
 * ({@link #payload}) and judge it when it ends ({@link #finishFrame}).
 */
abstract class VideoDepacketizer implements Depacketizer {

    final DepacketizerOutput output;
    final TimestampUnwrapper clock = new TimestampUnwrapper();
    /** Whether the open frame is spoiled (a gap or a malformed payload); subclasses skip its payloads. */
    boolean damaged;
    private int expectedSeq = -1;
    private boolean frameOpen;
    private long frameTs;
    private boolean waitingForKeyframe = true;
    private boolean keyframeRequested;
    private long dropped;

    VideoDepacketizer(DepacketizerOutput output) {
        this.output = output;
    }

    @Override
    public final void push(RtpPayload p) {
        boolean gap = false;
        if (expectedSeq >= 0) {
            int diff = (short) (p.sequenceNumber() - expectedSeq);
            if (diff < 0) {
                return; // late or duplicate: its frame is already gone
            }
            gap = diff > 0;
        }
        String gapReason = gap ? "sequence gap " + expectedSeq + ".." + ((p.sequenceNumber() - 1) & 0xffff) : null;
        expectedSeq = (p.sequenceNumber() + 1) & 0xffff;
        if (gap) {
            damaged = true; // the open frame may have lost its end
        }
        if (frameOpen && p.timestamp() != frameTs) {
            endFrame();
        }
        if (gap) {
            damaged = true; // and the new one its start
            needKeyframe(gapReason);
        }
        if (!frameOpen) {
            frameOpen = true;
            frameTs = p.timestamp();
        }
        payload(p.payload());
        if (p.marker()) {
            endFrame();
        }
    }

    /** One packet's payload, for the open frame (check {@link #damaged}). */
    abstract void payload(byte[] payload);

    /** The open frame ended: emit it or drop it ({@link #drop}); {@code damaged} is its state. */
    abstract void finishFrame(long rtpTimestamp, boolean damaged);

    /** Ends the open frame here and opens the next at the same timestamp (a start found inside a frame). */
    final void splitFrame() {
        long ts = frameTs;
        endFrame();
        frameOpen = true;
        frameTs = ts;
    }

    private void endFrame() {
        boolean d = damaged;
        damaged = false;
        frameOpen = false;
        finishFrame(frameTs, d);
    }

    /** The open frame is spoiled, for {@code reason}. */
    final void malformed(String reason) {
        damaged = true;
        needKeyframe(reason);
    }

    /** Frames are dropped until a keyframe; the output hears of it once per incident. */
    final void needKeyframe(String reason) {
        waitingForKeyframe = true;
        if (!keyframeRequested) {
            keyframeRequested = true;
            output.onKeyframeNeeded(reason);
        }
    }

    /** A keyframe went out: frames flow again. */
    final void keyframeArrived() {
        waitingForKeyframe = false;
        keyframeRequested = false;
    }

    /** A frame was dropped. */
    final void drop() {
        dropped++;
    }

    @Override
    public final boolean waitingForKeyframe() {
        return waitingForKeyframe;
    }

    @Override
    public final long droppedFrames() {
        return dropped;
    }
}
