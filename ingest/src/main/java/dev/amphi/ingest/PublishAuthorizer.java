package dev.amphi.ingest;

/**
 * Decides whether a publisher may publish. Implemented outside ingest (the server backs it with
 * the room registry). Called on an I/O thread: it must answer quickly and never block.
 */
@FunctionalInterface
public interface PublishAuthorizer {

    PublishDecision authorize(PublishRequest request);

    /** Called when an accepted publisher stops for any reason (after its sink got {@code onEnd}). */
    default void unpublished(PublishRequest request, String streamName) {
    }
}
