package dev.amphi.ingest.rtmp.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live publish sessions of a server by stream name, shared by all event loops (thread-safe).
 * It decides what happens to a second publisher on a live stream name; ending sessions is the
 * sessions' own business, on their own event loops.
 */
public final class PublishRegistry {

    private final ConcurrentHashMap<String, PublishSession> live = new ConcurrentHashMap<>();

    /** The outcome of {@link #claim}. */
    public sealed interface Claim {
        /** The stream name was free; the session is now registered. */
        record Granted() implements Claim {
        }

        /** The session replaced {@code previous}, which the caller must end before publishing. */
        record TookOver(PublishSession previous) implements Claim {
        }

        /** The stream name is live and the policy refuses a second publisher. */
        record Refused(PublishSession current) implements Claim {
        }
    }

    /**
     * Registers {@code session} under its stream name.
     *
     * @param takeOver true: replace a live session; false: refuse
     */
    public Claim claim(PublishSession session, boolean takeOver) {
        Claim[] result = new Claim[1];
        live.compute(session.streamName(), (name, current) -> {
            if (current == null) {
                result[0] = new Claim.Granted();
                return session;
            }
            if (takeOver) {
                result[0] = new Claim.TookOver(current);
                return session;
            }
            result[0] = new Claim.Refused(current);
            return current;
        });
        return result[0];
    }

    /** Removes {@code session} if it is still the one registered under its name. */
    public void release(PublishSession session) {
        live.remove(session.streamName(), session);
    }

    public int size() {
        return live.size();
    }

    public List<PublishSession> sessions() {
        return new ArrayList<>(live.values());
    }
}
