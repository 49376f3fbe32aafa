package dev.amphi.transcode.video;

import dev.amphi.transcode.frame.Picture;
import dev.amphi.transcode.frame.Rect;

/**
 * Draws one speaker's tile on the compositor thread: takes the newest picture due from the
 * {@link PictureHandoff}, keeps the last one frozen while no newer one is due (up to
 * {@link SpeakerVideo#STALE_TICKS}), fits it in the tile with its aspect kept and black bars, and
 * rescales it only when the tile's size changed since it was decoded (just after a layout switch).
 */
final class TileDrawer implements AutoCloseable {

    private final PictureHandoff handoff;
    private final FrameScaler scaler;
    private TilePicture shown;

    TileDrawer(PictureHandoff handoff, boolean bicubic) {
        this.handoff = handoff;
        this.scaler = new FrameScaler(bicubic);
    }

    /** See {@link SpeakerVideo#drawInto}. */
    boolean drawInto(Picture canvas, Rect tile, long programPts) {
        TilePicture due = handoff.takeDue(programPts);
        if (handoff.closed()) {
            return false;
        }
        if (due != null) {
            TilePicture skipped = shown;
            shown = due;
            if (skipped != null) {
                handoff.recycle(skipped);
            }
        }
        if (shown == null || programPts - shown.pts() > SpeakerVideo.STALE_TICKS || tile.width() == 0 || tile.height() == 0) {
            return false;
        }
        Picture picture = shown.picture();
        Rect fit = fitIn(tile, shown.sourceWidth(), shown.sourceHeight());
        if (fit.width() == picture.width() && fit.height() == picture.height()) {
            canvas.blit(picture, fit.x(), fit.y());
        } else {
            scaler.scale(picture.frame(), canvas.frame(), fit); // just after a layout switch
        }
        blackBars(canvas, tile, fit);
        return true;
    }

    /**
     * Where a {@code sw x sh} source goes in {@code tile}: letterboxed with its aspect kept, except
     * that bars thinner than 1% of the tile (rounding, a 16:9 source in a nearly 16:9 tile) are not
     * worth a black line: the picture then fills the tile.
     */
    static Rect fitIn(Rect tile, int sw, int sh) {
        Rect fit = tile.fit(sw, sh);
        if ((tile.width() - fit.width()) * 100 <= tile.width() && (tile.height() - fit.height()) * 100 <= tile.height()) {
            return tile;
        }
        return fit;
    }

    private static void blackBars(Picture canvas, Rect tile, Rect fit) {
        int top = fit.y() - tile.y();
        int bottom = tile.y() + tile.height() - fit.y() - fit.height();
        int left = fit.x() - tile.x();
        int right = tile.x() + tile.width() - fit.x() - fit.width();
        if (top > 0) {
            canvas.fillRect(tile.x(), tile.y(), tile.width(), top, 16, 128, 128);
        }
        if (bottom > 0) {
            canvas.fillRect(tile.x(), fit.y() + fit.height(), tile.width(), bottom, 16, 128, 128);
        }
        if (left > 0) {
            canvas.fillRect(tile.x(), fit.y(), left, fit.height(), 16, 128, 128);
        }
        if (right > 0) {
            canvas.fillRect(fit.x() + fit.width(), fit.y(), right, fit.height(), 16, 128, 128);
        }
    }

    /** Frees the frozen picture and the scaler; after the compositor stopped drawing. */
    @Override
    public void close() {
        if (shown != null) {
            shown.picture().close();
            shown = null;
        }
        scaler.close();
    }
}
