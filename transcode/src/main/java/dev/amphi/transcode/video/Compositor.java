package dev.amphi.transcode.video;

import dev.amphi.transcode.frame.Picture;
import dev.amphi.transcode.frame.Rect;
import dev.amphi.transcode.layout.TilePlacement;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Draws the program picture: a dark grey background, each tile's newest speaker picture (or a
 * placeholder, a mid-grey tile with the speaker's name in the middle, when the speaker has no
 * picture or a stale one) and each speaker's name at the tile's bottom-left. It owns the canvas
 * and the label cache; compositor thread only. {@link #close()} frees the canvas.
 */
public final class Compositor implements AutoCloseable {

    /** Background luma (BT.601 limited range, neutral chroma): dark grey. */
    public static final int BACKGROUND_LUMA = 40;
    /** Placeholder tile luma: mid grey. */
    public static final int PLACEHOLDER_LUMA = 96;

    private final Picture canvas;
    private final LabelCache labels = new LabelCache();
    private long frames;
    private long placeholders;
    /** The tiles the background was last painted around. */
    private List<TilePlacement> background;

    /** A compositor for a {@code width x height} canvas (even, 2..8192). */
    public Compositor(int width, int height) {
        this.canvas = Picture.allocate(width, height);
    }

    public int width() {
        return canvas.width();
    }

    public int height() {
        return canvas.height();
    }

    /**
     * Draws the program picture at {@code programPts}.
     *
     * @param tiles        where each visible speaker goes (from {@code LayoutEngine.place}); tiles must be inside the canvas
     * @param videos       a speaker's video by id, or null when it has none (placeholder)
     * @param displayNames a speaker's display name by id; null falls back to the id
     * @param programPts   program time, 90 kHz
     * @return the canvas with its pts set; owned by the compositor and valid until the next call
     */
    public Picture compose(List<TilePlacement> tiles, Function<String, SpeakerVideo> videos,
                           Function<String, String> displayNames, long programPts) {
        Objects.requireNonNull(tiles, "tiles");
        if (!tiles.equals(background)) {
            // every tile below covers its whole rectangle each frame (picture, bars or placeholder), so
            // the background between tiles only needs painting when the tiles move
            canvas.fill(BACKGROUND_LUMA, 128, 128);
            background = List.copyOf(tiles);
        }
        for (TilePlacement t : tiles) {
            Rect r = t.rect();
            String id = t.speakerId();
            String name = displayNames.apply(id);
            if (name == null || name.isBlank()) {
                name = id;
            }
            SpeakerVideo video = videos.apply(id);
            if (video != null && video.drawInto(canvas, r, programPts)) {
                labels.draw(canvas, name, r);
            } else {
                placeholders++;
                canvas.fillRect(r.x(), r.y(), r.width(), r.height(), PLACEHOLDER_LUMA, 128, 128);
                labels.drawCentered(canvas, name, r);
            }
        }
        frames++;
        canvas.pts(programPts);
        return canvas;
    }

    /** Program pictures drawn so far. */
    public long frames() {
        return frames;
    }

    /** Placeholder tiles drawn so far. */
    public long placeholders() {
        return placeholders;
    }

    @Override
    public void close() {
        canvas.close();
    }
}
