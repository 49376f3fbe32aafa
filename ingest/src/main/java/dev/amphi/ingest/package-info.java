/**
 * Protocol-neutral ingest contracts: a publisher asks a {@link dev.amphi.ingest.PublishAuthorizer}
 * whether it may publish under a stream key, and on acceptance its packets flow into the
 * {@link dev.amphi.media.MediaSink} the decision names. Protocol servers live in sub-packages
 * ({@code rtmp}, later {@code whip}). The authorizer is called on the protocol's I/O thread and
 * returns at once; its decision may complete later, on any thread.
 */
package dev.amphi.ingest;
