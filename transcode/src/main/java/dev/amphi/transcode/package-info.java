/**
 * A composited room's program: {@link dev.amphi.transcode.RoomProgram} takes speakers' packets,
 * keeps the roster, and on each tick of its {@link dev.amphi.transcode.ProgramClock} lays out,
 * draws the tiles, mixes the audio and hands the canvas to the encoder ladder. The program thread
 * ({@code amphi-program-ROOM}, or the driver of an offline clock) owns the frame; speakers decode
 * on the shared decode pool and rungs encode on their own threads, with bounded queues between
 * them. It knows no sockets, HTTP or HLS files.
 */
package dev.amphi.transcode;
