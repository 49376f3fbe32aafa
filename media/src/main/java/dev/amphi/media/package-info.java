/**
 * Value types shared by every Amphi module: the neutral {@link dev.amphi.media.MediaPacket} that
 * ingest produces and every consumer reads, the codec configurations it refers to
 * ({@link dev.amphi.media.AvcConfig}, {@link dev.amphi.media.AacConfig}, and for WebRTC
 * {@link dev.amphi.media.Vp8Config} and {@link dev.amphi.media.OpusConfig}), and the small
 * {@link dev.amphi.media.MediaSink} interface with a bounded, dropping fan-out
 * ({@link dev.amphi.media.MediaFanout}). Nothing here owns a thread: records are immutable and
 * safe to share, the fan-out hands packets to each consumer's own executor.
 */
package dev.amphi.media;
