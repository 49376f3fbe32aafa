package dev.amphi.ingest.webrtc.codec;

import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.Vp8Config;
import java.io.ByteArrayOutputStream;

/**
 * RFC 7741 payloads → whole VP8 frames. A frame starts at a packet with S set and partition index
 * 0, and ends at the marker bit or when the timestamp changes. A sequence gap, a frame without its
 * start or a malformed descriptor spoils the frame; frames are then dropped until a keyframe (the
 * P bit of the VP8 frame tag clear, RFC 6386 9.1), and the output is told once that one is needed.
 * Each keyframe's header gives the picture size of the {@link Vp8Config}.
 */
final class Vp8Depacketizer implements Depacketizer {

    private final DepacketizerOutput output;
    private final TimestampUnwrapper clock = new TimestampUnwrapper();
    private final ByteArrayOutputStream frame = new ByteArrayOutputStream();
    private int expectedSeq = -1;
    private boolean frameOpen;
    private boolean started;
    private long frameTs;
    private boolean damaged;
    private boolean waitingForKeyframe = true;
    private boolean keyframeRequested;
    private Vp8Config config;
    private long dropped;

    Vp8Depacketizer(DepacketizerOutput output) {
        this.output = output;
    }

    @Override
    public void push(RtpPayload p) {
        boolean gap = false;
        if (expectedSeq >= 0) {
            int diff = (short) (p.sequenceNumber() - expectedSeq);
            if (diff < 0) {
                return;
            }
            gap = diff > 0;
        }
        String gapReason = gap ? "sequence gap " + expectedSeq + ".." + ((p.sequenceNumber() - 1) & 0xffff) : null;
        expectedSeq = (p.sequenceNumber() + 1) & 0xffff;
        if (gap) {
            damaged = true;
        }
        if (frameOpen && p.timestamp() != frameTs) {
            finishFrame();
        }
        if (gap) {
            damaged = true;
            needKeyframe(gapReason);
        }
        Vp8Descriptor d;
        try {
            d = Vp8Descriptor.parse(p.payload());
        } catch (IllegalArgumentException e) {
            d = null;
            malformed(e.getMessage());
        }
        if (d != null && d.startsFrame() && started) {
            malformed("VP8 frame start inside a frame");
            finishFrame();
        }
        if (!frameOpen) {
            frameOpen = true;
            frameTs = p.timestamp();
        }
        if (d != null && !damaged) {
            if (d.startsFrame()) {
                started = true;
            }
            if (started) {
                frame.write(p.payload(), d.size(), p.payload().length - d.size());
            } else {
                malformed("VP8 packet without the start of its frame");
            }
        }
        if (p.marker()) {
            finishFrame();
        }
    }

    private void malformed(String reason) {
        damaged = true;
        needKeyframe(reason);
    }

    private void needKeyframe(String reason) {
        waitingForKeyframe = true;
        if (!keyframeRequested) {
            keyframeRequested = true;
            output.onKeyframeNeeded(reason);
        }
    }

    private void finishFrame() {
        boolean ok = !damaged && started && frame.size() >= 3;
        if (!damaged && started && !ok) {
            needKeyframe("VP8 frame of " + frame.size() + " bytes");
        }
        byte[] data = frame.toByteArray();
        long ts = frameTs;
        frame.reset();
        started = false;
        damaged = false;
        frameOpen = false;
        if (!ok) {
            dropped++;
            return;
        }
        boolean key = (data[0] & 0x01) == 0;
        if (key) {
            if (data.length < 10 || (data[3] & 0xff) != 0x9d || (data[4] & 0xff) != 0x01 || (data[5] & 0xff) != 0x2a) {
                dropped++;
                needKeyframe("VP8 keyframe without its start code");
                return;
            }
            int width = ((data[7] & 0x3f) << 8) | (data[6] & 0xff);
            int height = ((data[9] & 0x3f) << 8) | (data[8] & 0xff);
            if (width == 0 || height == 0) {
                dropped++;
                needKeyframe("VP8 keyframe of " + width + "x" + height);
                return;
            }
            if (config == null || config.width() != width || config.height() != height) {
                config = new Vp8Config(width, height);
            }
            waitingForKeyframe = false;
            keyframeRequested = false;
        } else if (waitingForKeyframe || config == null) {
            dropped++;
            needKeyframe("waiting for a keyframe");
            return;
        }
        output.onPacket(new MediaPacket(MediaKind.VIDEO, config, clock.unwrap(ts), 0, key, data));
    }

    @Override
    public boolean waitingForKeyframe() {
        return waitingForKeyframe;
    }

    @Override
    public long droppedFrames() {
        return dropped;
    }
}
