package dev.amphi.ingest.webrtc.codec;

import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.OpusConfig;

/**
 * RFC 7587: one RTP payload is one Opus packet. The 48 kHz timestamps are unwrapped and scaled to
 * 90 kHz (×15/8, exact for every Opus frame size); a lost packet needs nothing here (the decoder
 * conceals it), and an empty payload is dropped.
 */
final class OpusDepacketizer implements Depacketizer {

    private final DepacketizerOutput output;
    private final OpusConfig config;
    private final TimestampUnwrapper clock = new TimestampUnwrapper();
    private int expectedSeq = -1;
    private long dropped;

    OpusDepacketizer(int channels, DepacketizerOutput output) {
        this.config = new OpusConfig(channels);
        this.output = output;
    }

    @Override
    public void push(RtpPayload p) {
        if (expectedSeq >= 0 && (short) (p.sequenceNumber() - expectedSeq) < 0) {
            return; // late or duplicate
        }
        expectedSeq = (p.sequenceNumber() + 1) & 0xffff;
        if (p.payload().length == 0) {
            dropped++;
            return;
        }
        long dts = clock.unwrap(p.timestamp()) * MediaPacket.TIMESCALE / OpusConfig.SAMPLE_RATE;
        output.onPacket(new MediaPacket(MediaKind.AUDIO, config, dts, 0, true, p.payload().clone()));
    }

    @Override
    public boolean waitingForKeyframe() {
        return false;
    }

    @Override
    public long droppedFrames() {
        return dropped;
    }
}
