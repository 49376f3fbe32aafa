package dev.amphi.ingest.rtmp;

import dev.amphi.ingest.PublishAuthorizer;
import java.nio.file.Path;
import java.time.Duration;

/** Placeholder until the Netty implementation lands: it keeps the reactor compiling. */
final class RtmpServerBuilder implements RtmpServer.Builder {
    @Override public RtmpServer.Builder bind(String host) { return this; }
    @Override public RtmpServer.Builder port(int port) { return this; }
    @Override public RtmpServer.Builder tls(int port, Path certificateChain, Path privateKey) { return this; }
    @Override public RtmpServer.Builder authorizer(PublishAuthorizer authorizer) { return this; }
    @Override public RtmpServer.Builder duplicatePolicy(RtmpServer.DuplicatePolicy policy) { return this; }
    @Override public RtmpServer.Builder maxMessageSize(int bytes) { return this; }
    @Override public RtmpServer.Builder maxChunkSize(int bytes) { return this; }
    @Override public RtmpServer.Builder handshakeTimeout(Duration timeout) { return this; }
    @Override public RtmpServer.Builder idleTimeout(Duration timeout) { return this; }
    @Override public RtmpServer.Builder listener(RtmpListener listener) { return this; }
    @Override public RtmpServer build() { throw new UnsupportedOperationException("RTMP server not implemented yet"); }
}
