/**
 * The FFmpeg pipeline of a room: per-speaker decoders, the compositor, the audio mixer and the
 * encoder ladder (issue 3). It runs on dedicated, named platform threads with bounded queues
 * between stages; it knows no sockets, HTTP or HLS files. The walking skeleton repackages the
 * publisher's own H.264/AAC, so this package holds no code yet.
 */
package dev.amphi.transcode;
