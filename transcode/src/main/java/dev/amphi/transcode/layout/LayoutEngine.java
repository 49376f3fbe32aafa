package dev.amphi.transcode.layout;

import dev.amphi.transcode.frame.Rect;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Computes the tiles of a layout: a pure function of the layout, the room's speakers and the canvas
 * size. Every tile is 16:9 (a speaker's picture is letterboxed inside it), even-aligned, inside the
 * canvas, and no two tiles overlap; tiles are separated by a small gap (about 1/135 of the canvas'
 * smaller side, 8 px at 1080p).
 *
 * <ul>
 *   <li>{@code gallery}: page {@code p} shows speakers {@code 49(p-1) .. 49p-1} in join order on a
 *       grid of {@code n = ceil(sqrt(k))} columns and {@code ceil(k/n)} rows, the last row centred;</li>
 *   <li>{@code speaker}: the active speaker large in the top 3/4, a filmstrip of up to {@link
 *       #STRIP_SIZE} others below, most recent speakers first, then join order; the active speaker is
 *       {@code active}, else the most recent speaker, else the first to join; alone, it fills the canvas;</li>
 *   <li>{@code presentation}: the presenter large on the left (on top on a portrait canvas) and up to
 *       {@link #STRIP_SIZE} others in a strip beside it; a presenter who is not among the speakers
 *       gives the {@code speaker} layout.</li>
 * </ul>
 */
public final class LayoutEngine {

    /** Most tiles in the filmstrip of the speaker and presentation layouts. */
    public static final int STRIP_SIZE = 6;

    private LayoutEngine() {
    }

    /**
     * Places the tiles.
     *
     * @param layout   the room's layout
     * @param speakers the room's speakers in join order (duplicates are ignored)
     * @param active   the active speaker, or null
     * @param recent   recent speakers, most recent first (ids not in {@code speakers} are ignored)
     * @param canvasW  canvas width, even, at least 128
     * @param canvasH  canvas height, even, at least 72
     * @return the tiles, main tile first where the layout has one; empty for an empty room
     */
    public static List<TilePlacement> place(Layout layout, List<String> speakers, String active,
                                            List<String> recent, int canvasW, int canvasH) {
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(speakers, "speakers");
        Objects.requireNonNull(recent, "recent");
        if (canvasW < 128 || canvasH < 72 || canvasW > 8192 || canvasH > 8192 || ((canvasW | canvasH) & 1) != 0) {
            throw new IllegalArgumentException("canvas must be even and within 128x72..8192x8192, got " + canvasW + "x" + canvasH);
        }
        Set<String> room = new LinkedHashSet<>(speakers);
        room.remove(null);
        if (room.isEmpty()) {
            return List.of();
        }
        int gap = even(Math.max(2, Math.min(canvasW, canvasH) / 135));
        if (layout instanceof Layout.Gallery g) {
            return gallery(new ArrayList<>(room), g.page(), canvasW, canvasH, gap);
        }
        String main;
        if (layout instanceof Layout.Presentation p && room.contains(p.presenterId())) {
            main = p.presenterId();
            List<String> others = strip(room, main, recent);
            if (canvasW >= canvasH && !others.isEmpty()) {
                return mainLeft(main, others, canvasW, canvasH, gap);
            }
            return mainTop(main, others, canvasW, canvasH, gap);
        }
        main = active != null && room.contains(active) ? active
                : recent.stream().filter(room::contains).findFirst().orElse(room.iterator().next());
        return mainTop(main, strip(room, main, recent), canvasW, canvasH, gap);
    }

    private static List<TilePlacement> gallery(List<String> room, int page, int w, int h, int gap) {
        int pages = (room.size() + Layout.GALLERY_PAGE_SIZE - 1) / Layout.GALLERY_PAGE_SIZE;
        int from = (Math.min(page, pages) - 1) * Layout.GALLERY_PAGE_SIZE;
        List<String> shown = room.subList(from, Math.min(room.size(), from + Layout.GALLERY_PAGE_SIZE));
        int k = shown.size();
        int cols = (int) Math.ceil(Math.sqrt(k));
        int rows = (k + cols - 1) / cols;
        Rect cell = sixteenByNine((w - (cols + 1) * gap) / cols, (h - (rows + 1) * gap) / rows);
        int tw = cell.width();
        int th = cell.height();
        int x0 = even((w - (cols * tw + (cols - 1) * gap)) / 2);
        int y0 = even((h - (rows * th + (rows - 1) * gap)) / 2);
        List<TilePlacement> out = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            int row = i / cols;
            int col = i % cols;
            int inRow = Math.min(cols, k - row * cols);
            int rowShift = even((cols - inRow) * (tw + gap) / 2);
            out.add(new TilePlacement(shown.get(i),
                    new Rect(x0 + rowShift + col * (tw + gap), y0 + row * (th + gap), tw, th), false));
        }
        return out;
    }

    /** Main tile in the top three quarters, filmstrip below (or main alone, full canvas). */
    private static List<TilePlacement> mainTop(String main, List<String> others, int w, int h, int gap) {
        List<TilePlacement> out = new ArrayList<>(others.size() + 1);
        if (others.isEmpty()) {
            out.add(new TilePlacement(main, new Rect(gap, gap, w - 2 * gap, h - 2 * gap).fit(16, 9), true));
            return out;
        }
        int mainH = even(h * 3 / 4);
        out.add(new TilePlacement(main, new Rect(gap, gap, w - 2 * gap, mainH - 2 * gap).fit(16, 9), true));
        int stripH = h - mainH - gap;
        Rect slot = sixteenByNine((w - (STRIP_SIZE + 1) * gap) / STRIP_SIZE, stripH);
        int m = others.size();
        int x0 = even((w - (m * slot.width() + (m - 1) * gap)) / 2);
        int y = mainH + even((stripH - slot.height()) / 2);
        for (int i = 0; i < m; i++) {
            out.add(new TilePlacement(others.get(i),
                    new Rect(x0 + i * (slot.width() + gap), y, slot.width(), slot.height()), false));
        }
        return out;
    }

    /** Main tile on the left, a column of the others on the right. */
    private static List<TilePlacement> mainLeft(String main, List<String> others, int w, int h, int gap) {
        List<TilePlacement> out = new ArrayList<>(others.size() + 1);
        int mainW = even(w * 39 / 50);
        out.add(new TilePlacement(main, new Rect(gap, gap, mainW - 2 * gap, h - 2 * gap).fit(16, 9), true));
        int stripW = w - mainW - gap;
        Rect slot = sixteenByNine(stripW, (h - (STRIP_SIZE + 1) * gap) / STRIP_SIZE);
        int m = others.size();
        int y0 = even((h - (m * slot.height() + (m - 1) * gap)) / 2);
        int x = mainW + even((stripW - slot.width()) / 2);
        for (int i = 0; i < m; i++) {
            out.add(new TilePlacement(others.get(i),
                    new Rect(x, y0 + i * (slot.height() + gap), slot.width(), slot.height()), false));
        }
        return out;
    }

    /** The others for a filmstrip: recent speakers first, then join order, at most {@link #STRIP_SIZE}. */
    private static List<String> strip(Collection<String> room, String main, List<String> recent) {
        Set<String> picked = new LinkedHashSet<>();
        for (String id : recent) {
            if (picked.size() < STRIP_SIZE && id != null && !id.equals(main) && room.contains(id)) {
                picked.add(id);
            }
        }
        for (String id : room) {
            if (picked.size() < STRIP_SIZE && !id.equals(main)) {
                picked.add(id);
            }
        }
        return new ArrayList<>(picked);
    }

    /** The largest even 16:9 size within {@code maxW x maxH} (at least 2x2), at the origin. */
    private static Rect sixteenByNine(int maxW, int maxH) {
        return new Rect(0, 0, Math.max(2, even(maxW)), Math.max(2, even(maxH))).fit(16, 9);
    }

    private static int even(int v) {
        return v & ~1;
    }
}
