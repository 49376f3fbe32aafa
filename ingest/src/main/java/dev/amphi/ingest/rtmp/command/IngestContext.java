package dev.amphi.ingest.rtmp.command;

import dev.amphi.ingest.PublishAuthorizer;
import dev.amphi.ingest.rtmp.RtmpListener;
import dev.amphi.ingest.rtmp.publish.PublishRegistry;
import java.time.Duration;
import java.util.Objects;

/**
 * What every connection's {@link CommandHandler} shares: the authorizer, the registry of live
 * sessions, the duplicate-publisher policy, the metrics listener, the connection deadlines and the
 * throttle of failed publish attempts.
 *
 * @param takeOver       true: a second publisher of a live stream name replaces the first; false: refused
 * @param publishTimeout time from the end of the handshake until publishing must have started
 * @param mediaTimeout   time a publishing connection may go without an audio or video message
 * @param throttle       failed publish attempts per address
 */
public record IngestContext(PublishAuthorizer authorizer, PublishRegistry registry, boolean takeOver,
                            RtmpListener listener, Duration publishTimeout, Duration mediaTimeout,
                            FailedPublishThrottle throttle) {
    public IngestContext {
        Objects.requireNonNull(authorizer, "authorizer");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(throttle, "throttle");
        positive(publishTimeout, "publishTimeout");
        positive(mediaTimeout, "mediaTimeout");
    }

    /** With the default deadlines (10 s to publish, 30 s without media) and no throttle. */
    public IngestContext(PublishAuthorizer authorizer, PublishRegistry registry, boolean takeOver, RtmpListener listener) {
        this(authorizer, registry, takeOver, listener, Duration.ofSeconds(10), Duration.ofSeconds(30), FailedPublishThrottle.off());
    }

    private static void positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
    }
}
