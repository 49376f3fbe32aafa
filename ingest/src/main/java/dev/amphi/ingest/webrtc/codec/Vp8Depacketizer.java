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
final class Vp8Depacketizer extends VideoDepacketizer {

    private final ByteArrayOutputStream frame = new ByteArrayOutputStream();
    private boolean started;
    private Vp8Config config;

    Vp8Depacketizer(DepacketizerOutput output) {
        super(output);
    }

    @Override
    void payload(byte[] payload) {
        Vp8Descriptor d;
        try {
            d = Vp8Descriptor.parse(payload);
        } catch (IllegalArgumentException e) {
            d = null;
            malformed(e.getMessage());
        }
        if (d != null && d.startsFrame() && started) {
            malformed("VP8 frame start inside a frame");
            splitFrame();
        }
        if (d != null && !damaged) {
            if (d.startsFrame()) {
                started = true;
            }
            if (started) {
                frame.write(payload, d.size(), payload.length - d.size());
            } else {
                malformed("VP8 packet without the start of its frame");
            }
        }
    }

    @Override
    void finishFrame(long ts, boolean damaged) {
        boolean ok = !damaged && started && frame.size() >= 3;
        if (!damaged && started && !ok) {
            needKeyframe("VP8 frame of " + frame.size() + " bytes");
        }
        byte[] data = frame.toByteArray();
        frame.reset();
        started = false;
        if (!ok) {
            drop();
            return;
        }
        boolean key = (data[0] & 0x01) == 0;
        if (key) {
            if (data.length < 10 || (data[3] & 0xff) != 0x9d || (data[4] & 0xff) != 0x01 || (data[5] & 0xff) != 0x2a) {
                drop();
                needKeyframe("VP8 keyframe without its start code");
                return;
            }
            int width = ((data[7] & 0x3f) << 8) | (data[6] & 0xff);
            int height = ((data[9] & 0x3f) << 8) | (data[8] & 0xff);
            if (width == 0 || height == 0) {
                drop();
                needKeyframe("VP8 keyframe of " + width + "x" + height);
                return;
            }
            if (config == null || config.width() != width || config.height() != height) {
                config = new Vp8Config(width, height);
            }
            keyframeArrived();
        } else if (waitingForKeyframe() || config == null) {
            drop();
            needKeyframe("waiting for a keyframe");
            return;
        }
        output.onPacket(new MediaPacket(MediaKind.VIDEO, config, clock.unwrap(ts), 0, key, data));
    }
}
