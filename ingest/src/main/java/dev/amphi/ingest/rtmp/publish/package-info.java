/**
 * Publish sessions: {@link dev.amphi.ingest.rtmp.publish.PublishSession} is one accepted publisher
 * (packets to its sink, ended exactly once), {@link dev.amphi.ingest.rtmp.publish.PublishRegistry}
 * maps live stream names to sessions and applies the take-over/refuse policy. A session lives on
 * its connection's event loop; the registry is thread-safe and shared by all loops; a take-over
 * ends the old session on its own loop before the new one starts.
 */
package dev.amphi.ingest.rtmp.publish;
