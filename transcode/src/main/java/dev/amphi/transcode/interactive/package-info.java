/**
 * The room's program back to its speakers in real time (WebRTC): one low-latency H.264
 * Constrained Baseline rendition of the composited canvas, and the N+1 Opus mixes of mix-minus
 * (the common mix of the N loudest, and one per loud speaker without that speaker).
 * {@link dev.amphi.transcode.interactive.InteractiveProgram} is what callers use; it costs nothing
 * until the first subscriber and stops its encoders after the last one leaves.
 *
 * <p>Threads: the program thread hands each canvas (a copy into a free slot) and each mixed audio
 * chunk to {@link dev.amphi.transcode.interactive.InteractiveRendition}; the video encodes on
 * {@code amphi-interactive-ROOM-video} (and {@code -video-high} for the second size), the Opus mixes on {@code amphi-interactive-ROOM-audio}, and
 * subscribers' sinks are called on {@code amphi-interactive-ROOM-out-N} threads behind one bounded
 * queue per subscriber and track ({@link dev.amphi.media.MediaFanout}): a slow subscriber drops,
 * counted, and never holds up the encoders or the program.
 */
package dev.amphi.transcode.interactive;
