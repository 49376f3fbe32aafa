/**
 * The NetConnection/NetStream command layer: {@link dev.amphi.ingest.rtmp.command.CommandHandler}
 * answers connect/createStream/FCPublish/publish, asks the authorizer, starts, takes over and ends
 * publish sessions, and answers pings; {@link dev.amphi.ingest.rtmp.command.Commands} builds the
 * AMF0 replies. One handler per connection, on its event loop; {@link
 * dev.amphi.ingest.rtmp.command.IngestContext} is shared by all (immutable).
 */
package dev.amphi.ingest.rtmp.command;
