package dev.amphi.ingest.rtmp.command;

import dev.amphi.ingest.PublishAuthorizer;
import dev.amphi.ingest.rtmp.RtmpListener;
import dev.amphi.ingest.rtmp.publish.PublishRegistry;
import java.util.Objects;

/**
 * What every connection's {@link CommandHandler} shares: the authorizer, the registry of live
 * sessions, the duplicate-publisher policy and the metrics listener.
 *
 * @param takeOver true: a second publisher of a live stream name replaces the first; false: refused
 */
public record IngestContext(PublishAuthorizer authorizer, PublishRegistry registry, boolean takeOver,
                            RtmpListener listener) {
    public IngestContext {
        Objects.requireNonNull(authorizer, "authorizer");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(listener, "listener");
    }
}
