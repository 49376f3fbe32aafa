package dev.amphi.hls.cmaf;

import dev.amphi.media.CodecConfig;
import dev.amphi.media.MediaKind;
import java.time.Instant;
import java.util.Objects;

/**
 * A finished CMAF media segment of one rendition, as the segmenter hands it out. Immutable (the
 * data array is never modified after construction).
 *
 * @param kind            which track kind
 * @param track           index of the video track (a ladder's rendition, see
 *                        {@link StreamSegmenter#StreamSegmenter(String, int, long, java.time.Clock, SegmentListener)});
 *                        0 for audio and for a stream with one video track
 * @param config          the decoder configuration its init segment describes
 * @param initVersion     1-based version of the rendition's init segment this segment needs
 * @param data            {@code styp+moof+mdat}
 * @param baseTime        {@code tfdt}: decode time of the first sample, in {@code timescale} units
 * @param duration        sum of the sample durations, in {@code timescale} units
 * @param timescale       ticks per second of this rendition
 * @param sampleCount     number of samples (video frames or AAC frames)
 * @param discontinuity   whether a discontinuity precedes this segment (new publish session or new
 *                        encoding parameters)
 * @param programDateTime wall-clock time of the first sample
 */
public record Segment(MediaKind kind, int track, CodecConfig config, int initVersion, byte[] data, long baseTime,
                      long duration, int timescale, int sampleCount, boolean discontinuity,
                      Instant programDateTime) {

    public Segment {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(programDateTime, "programDateTime");
        if (track < 0) {
            throw new IllegalArgumentException("track index must not be negative, was " + track);
        }
        if (timescale <= 0 || duration < 0 || sampleCount <= 0 || initVersion < 1) {
            throw new IllegalArgumentException("bad segment: timescale " + timescale + ", duration " + duration
                    + ", samples " + sampleCount + ", init version " + initVersion);
        }
    }

    /** Duration in seconds. */
    public double seconds() {
        return (double) duration / timescale;
    }

    /** Size in bytes. */
    public int size() {
        return data.length;
    }
}
