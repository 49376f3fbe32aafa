package dev.amphi.transcode;

import dev.amphi.media.MediaSink;

/**
 * Where a room's program goes: one sink per video rung (in the order of the ladder) and one for
 * the mixed audio. The program calls every sink from its own threads, one packet at a time per
 * sink; implementations that share state between sinks must lock themselves.
 */
public interface ProgramOutput {

    /** The sink of rung {@code index} of the ladder. */
    MediaSink video(int index);

    /** The sink of the mixed audio. */
    MediaSink audio();
}
