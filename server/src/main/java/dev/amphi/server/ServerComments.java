package dev.amphi.server;

import dev.amphi.core.comments.BlockedWords;
import dev.amphi.core.comments.CommentRooms;
import dev.amphi.core.comments.CommentWindows;
import dev.amphi.core.comments.RoomCommentMode;
import dev.amphi.core.store.CommentStore;
import java.time.Duration;
import java.util.Objects;

/**
 * The comment API's rooms on this server: every room takes text comments with no blocked words
 * (per-room settings come later), and an accepted comment is stored in the database before the API
 * answers. Windows are numbered by program time over the segment duration from the Unix epoch;
 * publishing them to viewers is not built yet, so nothing is held in memory here.
 */
final class ServerComments implements CommentRooms {

    private final CommentStore store;
    private final long windowMillis;

    ServerComments(CommentStore store, Duration segmentDuration) {
        this.store = Objects.requireNonNull(store, "store");
        this.windowMillis = segmentDuration.toMillis();
    }

    @Override
    public RoomCommentMode mode(String room) {
        return RoomCommentMode.TEXT;
    }

    @Override
    public BlockedWords blocked(String room) {
        return BlockedWords.none();
    }

    @Override
    public long accept(String room, CommentWindows.Accepted comment) throws Exception {
        store.insert(room, comment);
        return Math.floorDiv(comment.at(), windowMillis);
    }
}
