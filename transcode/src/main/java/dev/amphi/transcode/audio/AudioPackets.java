package dev.amphi.transcode.audio;

import dev.amphi.media.AacConfig;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.OpusConfig;

/** How much program audio a packet holds, read from the packet itself without decoding it. */
final class AudioPackets {

    /** An Opus packet's frame sizes at 48 kHz by TOC configuration (RFC 6716, 3.1): SILK, hybrid, CELT. */
    private static final int[] SILK = {480, 960, 1920, 2880};
    private static final int[] HYBRID = {480, 960};
    private static final int[] CELT = {120, 240, 480, 960};
    /** The longest Opus packet: 120 ms. */
    private static final int OPUS_MAX = 5760;
    /** What a packet that does not say is taken to hold: 20 ms, WebRTC's usual packet. */
    static final int DEFAULT_FRAMES = 960;

    private AudioPackets() {
    }

    /** Program frames (48 kHz) of {@code packet}: an Opus packet's TOC, an AAC frame's 1024 samples. */
    static int programFrames(MediaPacket packet) {
        if (packet.config() instanceof AacConfig aac) {
            return (int) ((long) AacConfig.SAMPLES_PER_FRAME * AudioFormat.SAMPLE_RATE / aac.sampleRate());
        }
        if (packet.config() instanceof OpusConfig) {
            return opusFrames(packet.data());
        }
        return DEFAULT_FRAMES;
    }

    /** Samples at 48 kHz of one Opus packet, {@link #DEFAULT_FRAMES} when its TOC is missing or invalid. */
    static int opusFrames(byte[] packet) {
        if (packet.length == 0) {
            return DEFAULT_FRAMES;
        }
        int toc = packet[0] & 0xff;
        int config = toc >> 3;
        int size = config < 12 ? SILK[config & 3] : config < 16 ? HYBRID[config & 1] : CELT[config & 3];
        int count = switch (toc & 3) {
            case 0 -> 1;
            case 1, 2 -> 2;
            default -> packet.length < 2 ? 0 : packet[1] & 0x3f;
        };
        int total = size * count;
        return total > 0 && total <= OPUS_MAX ? total : DEFAULT_FRAMES;
    }
}
