package dev.amphi.core.comments;

/**
 * The port through which the posting API reaches each room's comment state ({@link CommentHub} on
 * the server).
 */
public interface CommentRooms {

    /** The room's current settings (mode, slow mode, hold). Non-blocking. */
    CommentSettings settings(String room);

    /** The room's blocked words. Non-blocking. */
    BlockedWords blocked(String room);

    /** Whether a moderator muted this viewer (the id inside their token) in the room. Non-blocking. */
    boolean muted(String room, String viewer);

    /**
     * Stores an accepted comment (returning only once it is durable) and puts it in its window, or
     * holds it for approval; returns that window's index, or -1 when it is held. Blocking: the API
     * calls it on a worker thread.
     *
     * @throws Exception when it could not be stored (the poster is told to try again; nothing is shown)
     */
    long accept(String room, CommentWindows.Accepted comment) throws Exception;

    /** Counts one reaction at program time {@code at} (memory only; non-blocking). */
    void react(String room, String reaction, long at);
}
