/**
 * The encoder side of a room's program: {@link dev.amphi.transcode.encode.H264Encoder} and
 * {@link dev.amphi.transcode.encode.AacEncoder} (avcodec encoders emitting AVCC/raw-AAC
 * {@code MediaPacket}s on the 90 kHz program clock), and the adaptive ladder:
 * {@link dev.amphi.transcode.encode.LadderEncoder} scales the composited canvas once per
 * {@link dev.amphi.transcode.encode.Rung} on the caller's thread (the room's program clock thread)
 * and encodes every rung on its own named thread {@code amphi-enc-<room>-<rung>}, with the same IDR
 * decisions so that every rendition's IDRs, and so its HLS segments, start at the same pts.
 * {@link dev.amphi.transcode.encode.PresetChooser} picks the x264 preset for the machine.
 *
 * <p>Each encoder object is used by one thread at a time and owns its native FFmpeg objects,
 * freed in {@code close()}.
 */
package dev.amphi.transcode.encode;
