/**
 * Small FFmpeg helpers shared by the decoders, the scalers and the encoders (error codes turned
 * into exceptions). No threads of its own.
 */
package dev.amphi.transcode.ffmpeg;
