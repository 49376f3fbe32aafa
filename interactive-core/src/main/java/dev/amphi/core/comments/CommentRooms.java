package dev.amphi.core.comments;

/**
 * The port through which the comment API reaches each room's comment state (implemented by the
 * server: its rooms' settings, the store and the rooms' {@link CommentWindows}).
 */
public interface CommentRooms {

    /** The room's comment mode. */
    RoomCommentMode mode(String room);

    /** The room's blocked words. */
    BlockedWords blocked(String room);

    /**
     * Stores an accepted comment (returning only once it is durable) and puts it in its window;
     * returns that window's index. Blocking: the API calls it on a worker thread.
     *
     * @throws Exception when it could not be stored (the poster is told to try again; nothing is shown)
     */
    long accept(String room, CommentWindows.Accepted comment) throws Exception;
}
