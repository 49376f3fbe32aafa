/**
 * The RTMP chunk stream (RTMP spec 5.3): {@link dev.amphi.ingest.rtmp.chunk.ChunkDecoder} (bytes →
 * chunks), {@link dev.amphi.ingest.rtmp.chunk.MessageAssembler} (chunks → messages) and {@link
 * dev.amphi.ingest.rtmp.chunk.ChunkEncoder} (messages → chunks) are plain Java over {@code ByteBuf},
 * testable without a channel; {@link dev.amphi.ingest.rtmp.chunk.ChunkStreamDecoder} and {@link
 * dev.amphi.ingest.rtmp.chunk.ChunkStreamEncoder} put them in a pipeline and apply Set Chunk Size,
 * Abort and Window Acknowledgement Size. Bad input fails with {@code CorruptedFrameException} or
 * {@code TooLongFrameException}. Not thread-safe: one set per connection, on its event loop.
 */
package dev.amphi.ingest.rtmp.chunk;
