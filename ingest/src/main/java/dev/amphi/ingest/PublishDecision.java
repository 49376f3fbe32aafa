package dev.amphi.ingest;

import dev.amphi.media.MediaSink;
import java.util.Objects;

/** The answer to a {@link PublishRequest}: accept into a sink, or reject with a reason. */
public sealed interface PublishDecision {

    /**
     * Publishing is accepted.
     *
     * @param streamName the internal name of the stream (e.g. the room), used to detect a second
     *                   publisher on the same stream and for logs
     * @param sink       receives the publisher's packets on the I/O thread; it must not block
     *                   (use a {@link dev.amphi.media.MediaFanout})
     */
    record Accept(String streamName, MediaSink sink) implements PublishDecision {
        public Accept {
            Objects.requireNonNull(streamName, "streamName");
            Objects.requireNonNull(sink, "sink");
        }
    }

    /**
     * Publishing is refused; {@code reason} is sent to the client and logged, so it must not
     * contain the stream key.
     *
     * @param failedAttempt true when the publisher presented a wrong credential (an unknown stream
     *                      key): such refusals count towards the per-address throttle of failed
     *                      attempts; false for a refusal of a valid key (room full, bad speaker name)
     */
    record Reject(String reason, boolean failedAttempt, boolean notAdmitted) implements PublishDecision {
        public Reject {
            Objects.requireNonNull(reason, "reason");
        }

        /** A refusal of the request itself (a wrong key, a bad name): RTMP's {@code NetStream.Publish.BadName}. */
        public Reject(String reason, boolean failedAttempt) {
            this(reason, failedAttempt, false);
        }
    }

    static PublishDecision accept(String streamName, MediaSink sink) {
        return new Accept(streamName, sink);
    }

    /** A refusal that does not count as a failed attempt (see {@link Reject#failedAttempt()}). */
    static PublishDecision reject(String reason) {
        return new Reject(reason, false);
    }

    /**
     * A valid publisher the room does not admit now (full, its event ended, its program cannot start):
     * RTMP's {@code NetStream.Publish.Rejected} with {@code reason} as the description; not a failed attempt.
     */
    static PublishDecision notAdmitted(String reason) {
        return new Reject(reason, false, true);
    }

    /** A refusal for a wrong credential, counted towards the address's throttle of failed attempts. */
    static PublishDecision rejectCredentials(String reason) {
        return new Reject(reason, true);
    }
}
