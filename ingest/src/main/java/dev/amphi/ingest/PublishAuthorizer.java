package dev.amphi.ingest;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a publisher may publish. Implemented outside ingest (the server backs it with
 * the room registry).
 *
 * <p>{@link #authorize} is called on the connection's I/O thread and must return at once: a decision
 * that needs slow work (opening a room's encoders, a database) returns a stage that another thread
 * completes later. The protocol server answers the publisher when the stage completes, back on the
 * connection's I/O thread, so other connections of that thread are never held up. A stage that
 * completes exceptionally, or with {@code null}, refuses the publisher with a short, generic reason
 * (the cause is logged once, its stack trace at debug level only). When the connection is gone by
 * the time an {@link PublishDecision.Accept} arrives, or the accepted publisher never starts (it is
 * refused as a duplicate), the accept's sink gets {@code onEnd} without any packet, so that the
 * authorizer can release what it granted.
 */
@FunctionalInterface
public interface PublishAuthorizer {

    CompletionStage<PublishDecision> authorize(PublishRequest request);

    /** Called when an accepted publisher stops for any reason (after its sink got {@code onEnd}). */
    default void unpublished(PublishRequest request, String streamName) {
    }
}
