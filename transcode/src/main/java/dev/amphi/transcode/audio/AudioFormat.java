package dev.amphi.transcode.audio;

import dev.amphi.media.MediaPacket;

/** The program's audio format (48 kHz stereo interleaved float) and its clock arithmetic. */
public final class AudioFormat {

    /** Program sample rate in Hz. */
    public static final int SAMPLE_RATE = 48_000;
    /** Program channels (interleaved left, right). */
    public static final int CHANNELS = 2;

    private AudioFormat() {
    }

    /** Program sample index of a program time in 90 kHz ticks (rounded down). */
    public static long sampleOf(long programPts) {
        return Math.floorDiv(programPts * SAMPLE_RATE, MediaPacket.TIMESCALE);
    }

    /** Program time in 90 kHz ticks of a program sample index (rounded down). */
    public static long ptsOf(long programSample) {
        return Math.floorDiv(programSample * MediaPacket.TIMESCALE, SAMPLE_RATE);
    }
}
