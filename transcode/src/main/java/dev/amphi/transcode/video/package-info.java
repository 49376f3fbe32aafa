/**
 * The video half of a room's program: {@link dev.amphi.transcode.video.SpeakerVideo} decodes one
 * speaker's H.264 or VP8 (on a decode worker thread) into pictures scaled to its tile, and {@link
 * dev.amphi.transcode.video.Compositor} draws every visible tile, its label ({@link
 * dev.amphi.transcode.video.LabelCache}) or a placeholder onto the canvas on the compositor thread.
 * Native FFmpeg objects (codec contexts, frames, scaler contexts) each have one owner here and are
 * freed in its {@code close()}.
 */
package dev.amphi.transcode.video;
