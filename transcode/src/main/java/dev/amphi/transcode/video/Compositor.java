package dev.amphi.transcode.video;

import dev.amphi.transcode.frame.Picture;
import dev.amphi.transcode.frame.Rect;
import dev.amphi.transcode.layout.TilePlacement;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Draws the program picture: a dark grey background, each tile's newest speaker picture (or a
 * placeholder, a mid-grey tile with the speaker's name in the middle, when the speaker has no
 * picture or a stale one) and each speaker's name at the tile's bottom-left, either into a canvas
 * of its own or into a picture the caller gives (the ladder's canvas slots, so that the frame
 * needs no copy). It owns its canvas and the label cache; compositor thread only.
 * {@link #close()} frees the canvas.
 */
public final class Compositor implements AutoCloseable {

    /** Background luma (BT.601 limited range, neutral chroma): dark grey. */
    public static final int BACKGROUND_LUMA = 40;
    /** Placeholder tile luma: mid grey. */
    public static final int PLACEHOLDER_LUMA = 96;

    /** Pictures whose background is remembered; more means the caller replaced some. */
    private static final int MAX_TARGETS = 8;
    private final int width;
    private final int height;
    private Picture canvas;
    private final LabelCache labels = new LabelCache();
    private long frames;
    private long placeholders;
    private boolean drawLabels = true;
    /**
     * Per picture drawn into (by identity; a few: the own canvas or the ladder's slots), the tiles
     * its background was last painted around.
     */
    private final Map<Picture, List<TilePlacement>> background = new IdentityHashMap<>();

    /** A compositor for a {@code width x height} canvas (even, 2..8192). */
    public Compositor(int width, int height) {
        if (width < 2 || height < 2 || width > 8192 || height > 8192 || ((width | height) & 1) != 0) {
            throw new IllegalArgumentException("canvas size must be even and within 2..8192, got " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
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
        if (canvas == null) {
            canvas = Picture.allocate(width, height);
        }
        return compose(canvas, tiles, videos, displayNames, programPts);
    }

    /**
     * Draws the program picture at {@code programPts} into {@code target}, which must be one of a
     * few pictures the caller draws into in turn: each keeps its background from the last time it
     * was drawn into with the same tiles.
     *
     * @param target a picture of the compositor's size; its pts is set
     * @return {@code target}
     */
    public Picture compose(Picture target, List<TilePlacement> tiles, Function<String, SpeakerVideo> videos,
                           Function<String, String> displayNames, long programPts) {
        Objects.requireNonNull(tiles, "tiles");
        if (target.width() != width || target.height() != height) {
            throw new IllegalArgumentException("target is " + target.width() + "x" + target.height() + ", the compositor draws "
                    + width + "x" + height);
        }
        if (!tiles.equals(background.get(target))) {
            // every tile below covers its whole rectangle each frame (picture, bars or placeholder), so
            // the background between tiles only needs painting when the tiles move
            target.fill(BACKGROUND_LUMA, 128, 128);
            if (background.size() >= MAX_TARGETS) {
                background.clear(); // pictures the caller has replaced: the live ones just repaint once
            }
            background.put(target, List.copyOf(tiles));
        }
        Picture canvas = target;
        for (TilePlacement t : tiles) {
            Rect r = t.rect();
            String id = t.speakerId();
            String name = displayNames.apply(id);
            if (name == null || name.isBlank()) {
                name = id;
            }
            SpeakerVideo video = videos.apply(id);
            if (video != null && video.drawInto(canvas, r, programPts)) {
                if (drawLabels) {
                    labels.draw(canvas, name, r);
                }
            } else {
                placeholders++;
                canvas.fillRect(r.x(), r.y(), r.width(), r.height(), PLACEHOLDER_LUMA, 128, 128);
                if (drawLabels) {
                    labels.drawCentered(canvas, name, r);
                }
            }
        }
        frames++;
        canvas.pts(programPts);
        return canvas;
    }

    /**
     * Whether names are drawn on the tiles (default on). Benchmarks turn them off so that the canvas
     * can be compared with one drawn by another program, which has no labels.
     */
    public void drawLabels(boolean on) {
        this.drawLabels = on;
    }

    /** Program pictures drawn so far. */
    public long frames() {
        return frames;
    }

    /** Placeholder tiles drawn so far. */
    public long placeholders() {
        return placeholders;
    }

    /**
     * Forgets what was painted into {@code target} (its next frame gets the background again), e.g.
     * before it is freed.
     */
    public void forget(Picture target) {
        background.remove(target);
    }

    @Override
    public void close() {
        background.clear();
        if (canvas != null) {
            canvas.close();
            canvas = null;
        }
    }
}
