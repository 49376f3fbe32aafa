package dev.amphi.core.comments;

import java.util.Objects;

/**
 * A viewer's comment as posted, once it has passed the room's rules: cleaned text, display mode and
 * palette colour. Its program time and identity are added when it is accepted.
 */
public record CommentDraft(String text, DisplayMode mode, String color) {

    public CommentDraft {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(color, "color");
    }

    /**
     * Applies a room's rules to what a viewer sent, in this order: the room takes comments at all
     * ({@code comments-off}), the text ({@link CommentText#clean}), emoji only in an emoji room
     * ({@code emoji-only}), blocked words ({@code blocked-word}; the word is not repeated), display
     * mode ({@code mode}) and colour ({@code color}).
     *
     * @throws CommentRefused naming the first rule the comment breaks
     */
    public static CommentDraft of(String text, String mode, String color, RoomCommentMode room, BlockedWords blocked) {
        if (room == RoomCommentMode.OFF) {
            throw new CommentRefused("comments-off", "comments are off in this room");
        }
        String clean = CommentText.clean(text);
        if (room == RoomCommentMode.EMOJI && !CommentText.emojiOnly(clean)) {
            throw new CommentRefused("emoji-only", "this room takes emoji only");
        }
        if (blocked.blocks(clean)) {
            throw new CommentRefused("blocked-word", "the comment contains a word this room does not allow");
        }
        return new CommentDraft(clean, DisplayMode.parse(mode), Palette.parse(color));
    }
}
