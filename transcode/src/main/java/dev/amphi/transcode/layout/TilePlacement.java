package dev.amphi.transcode.layout;

import dev.amphi.transcode.frame.Rect;
import java.util.Objects;

/**
 * One speaker's tile on the canvas.
 *
 * @param speakerId whose video goes there
 * @param rect      the tile, even-aligned and inside the canvas
 * @param large     true for the layout's main tile (the active speaker, the presenter)
 */
public record TilePlacement(String speakerId, Rect rect, boolean large) {
    public TilePlacement {
        Objects.requireNonNull(speakerId, "speakerId");
        Objects.requireNonNull(rect, "rect");
        if (rect.width() == 0 || rect.height() == 0) {
            throw new IllegalArgumentException("tile of " + speakerId + " is empty: " + rect);
        }
    }
}
