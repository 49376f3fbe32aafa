package dev.amphi.hls.cmaf;

import dev.amphi.media.MediaKind;

/** Receives what a {@link StreamSegmenter} produces, on the segmenter's thread. */
public interface SegmentListener {

    /** A finished segment. */
    void onSegment(Segment segment);

    /**
     * One track ended on its own ({@link StreamSegmenter#onTrackEnd}) while the session may go on;
     * its pending samples have been flushed into segments before this.
     *
     * @param kind  the track's kind
     * @param track the video track index, 0 for audio
     */
    default void onTrackEnd(MediaKind kind, int track) {
    }

    /**
     * The publish session ended (every track ended); every pending sample has been flushed into
     * segments before this.
     */
    void onSessionEnd();
}
