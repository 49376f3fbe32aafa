package dev.amphi.hls.cmaf;

/** Receives what a {@link StreamSegmenter} produces, on the segmenter's thread. */
public interface SegmentListener {

    /** A finished segment. */
    void onSegment(Segment segment);

    /** The publish session ended; every pending sample has been flushed into segments before this. */
    void onSessionEnd();
}
