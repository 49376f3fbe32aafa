/**
 * The NetConnection/NetStream command layer: {@link dev.amphi.ingest.rtmp.command.CommandHandler}
 * answers connect/createStream/FCPublish/publish, asks the authorizer, starts, takes over and ends
 * publish sessions, answers pings and keeps the connection's publish and media deadlines
 * ({@code ConnectionDeadline}); {@link dev.amphi.ingest.rtmp.command.Commands} builds the AMF0
 * replies. One handler per connection, on its event loop (the authorizer's decision is handed back
 * to it); {@link dev.amphi.ingest.rtmp.command.IngestContext} and its
 * {@link dev.amphi.ingest.rtmp.command.FailedPublishThrottle} are shared by all (thread-safe).
 */
package dev.amphi.ingest.rtmp.command;
