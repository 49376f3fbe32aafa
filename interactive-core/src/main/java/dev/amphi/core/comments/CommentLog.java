package dev.amphi.core.comments;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a {@link CommentHub} keeps what must survive a restart (implemented by the database's
 * {@code CommentStore}). Every method blocks until the change is durable: call from a worker.
 */
public interface CommentLog {

    /** Stores an accepted comment; {@code held} while it waits for a moderator's approval. */
    void insert(String room, CommentWindows.Accepted comment, boolean held) throws Exception;

    /** Marks a comment deleted; whether there was one not deleted yet. */
    boolean delete(String room, long id) throws Exception;

    /** Clears a held comment's hold; whether there was one held. */
    boolean approve(String room, long id) throws Exception;

    /** Mutes ({@code muted}) or unmutes a viewer (the id inside their token) in a room. */
    void mute(String room, String viewer, boolean muted) throws Exception;

    /** The muted viewers of every room. */
    Map<String, Set<String>> muted() throws Exception;

    /** The held (not approved, not deleted) comments of every room. */
    Map<String, List<CommentWindows.Accepted>> held() throws Exception;

    /** Adds a published window's reaction counts. */
    void reactions(String room, List<CommentWindows.ReactionSecond> counts) throws Exception;

    /** Keeps a room's settings as a moderator set them. */
    default void settings(String room, CommentSettings settings) throws Exception {
    }

    /** The settings moderators set, by room. */
    default Map<String, CommentSettings> settings() throws Exception {
        return Map.of();
    }
}
