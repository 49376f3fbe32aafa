package dev.amphi.transcode.video;

import dev.amphi.transcode.frame.Picture;
import java.util.Objects;

/**
 * A decoded picture scaled for its tile, with the size of the source it came from (for the aspect
 * ratio), and whether it is ours to reuse (false: it shares the decoder's buffers).
 */
record TilePicture(Picture picture, int sourceWidth, int sourceHeight, boolean own) {

    TilePicture {
        Objects.requireNonNull(picture, "picture");
        if (sourceWidth <= 0 || sourceHeight <= 0) {
            throw new IllegalArgumentException("source size must be positive, got " + sourceWidth + "x" + sourceHeight);
        }
    }

    long pts() {
        return picture.pts();
    }
}
