/**
 * CMAF packaging with jcodec's MP4 boxes: {@link dev.amphi.hls.cmaf.CmafWriter} writes single-track
 * init segments and {@code styp+moof+mdat} media segments (version-1 {@code tfdt} and {@code trun},
 * signed composition offsets), {@link dev.amphi.hls.cmaf.StreamSegmenter} decides where segments
 * are cut (video at keyframes, audio at the same instants, by the package-private
 * {@code AudioTrack}) for one or several video tracks (a ladder's renditions, sharing one
 * timeline so aligned keyframes give identical {@code tfdt}s) and keeps the media timeline
 * continuous within a publish session and monotonic across sessions. The segmenter is owned by one
 * stream's worker thread; the writer's functions and the produced {@link dev.amphi.hls.cmaf.Segment}s
 * are safe anywhere.
 */
package dev.amphi.hls.cmaf;
