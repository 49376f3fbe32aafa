package dev.amphi.transcode.video;

import dev.amphi.transcode.frame.Picture;
import dev.amphi.transcode.frame.Rect;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.bytedeco.javacpp.BytePointer;

/**
 * Display-name labels: each (name, height) is rendered once with Java2D (anti-aliased white text on
 * a translucent dark box) into a luma + alpha mask, kept in a bounded LRU cache, and blended onto
 * the canvas at a tile's bottom-left ({@link #draw}) or centre ({@link #drawCentered}, the
 * placeholder). Names longer than {@link #MAX_NAME_CHARS} characters are cut with an ellipsis.
 * Compositor thread only (not thread-safe).
 */
public final class LabelCache {

    /** Longest name drawn in full. */
    public static final int MAX_NAME_CHARS = 40;

    private static final int BOX_ALPHA = 150; // of 255
    private static final int BOX_LUMA = 16;
    private static final int TEXT_LUMA = 235;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** A rendered label: per pixel the luma to blend towards and its alpha (0..255). */
    record Label(int width, int height, byte[] luma, byte[] alpha) {
    }

    private record Key(String name, int height) {
    }

    private final int capacity;
    private final Map<Key, Label> cache;

    /** A cache of at most {@code capacity} labels (1..100000). */
    public LabelCache(int capacity) {
        if (capacity < 1 || capacity > 100_000) {
            throw new IllegalArgumentException("label cache capacity must be within 1..100000, got " + capacity);
        }
        this.capacity = capacity;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Label> eldest) {
                return size() > LabelCache.this.capacity;
            }
        };
    }

    /** A cache for a room of 300 speakers shown at a few sizes. */
    public LabelCache() {
        this(1024);
    }

    /** Labels held now. */
    public int size() {
        return cache.size();
    }

    /** Blends {@code name} at the bottom-left of {@code tile}, sized to the tile; nothing on tiles under 48 px high. */
    public void draw(Picture canvas, String name, Rect tile) {
        if (tile.height() < 48 || tile.width() < 48) {
            return;
        }
        int h = even(Math.max(16, Math.min(36, tile.height() / 9)));
        int margin = even(Math.max(2, h / 4));
        Label label = label(name, h);
        int visibleW = Math.min(label.width(), even(tile.width() - 2 * margin));
        blend(canvas, label, tile.x() + margin, tile.y() + tile.height() - h - margin, visibleW);
    }

    /** Blends {@code name} large in the middle of {@code tile} (the placeholder of a speaker without video). */
    public void drawCentered(Picture canvas, String name, Rect tile) {
        if (tile.height() < 16 || tile.width() < 32) {
            return;
        }
        int h = even(Math.max(12, Math.min(96, tile.height() / 4)));
        Label label = label(name, h);
        int room = tile.width() - 8;
        if (label.width() > room && h > 12) { // too wide: render smaller, once
            h = even(Math.max(12, h * room / label.width()));
            label = label(name, h);
        }
        int w = Math.min(label.width(), even(room));
        int x = even(tile.x() + (tile.width() - w) / 2);
        int y = even(tile.y() + (tile.height() - label.height()) / 2);
        blend(canvas, label, x, y, w);
    }

    /** The label for {@code name} at {@code height} (even, 8..256), rendered on first use. */
    Label label(String name, int height) {
        Objects.requireNonNull(name, "name");
        if (height < 8 || height > 256 || (height & 1) != 0) {
            throw new IllegalArgumentException("label height must be even and within 8..256, got " + height);
        }
        return cache.computeIfAbsent(new Key(name, height), k -> render(shorten(k.name()), k.height()));
    }

    static String shorten(String name) {
        String s = name.strip();
        if (s.codePointCount(0, s.length()) <= MAX_NAME_CHARS) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, MAX_NAME_CHARS - 1)) + "\u2026";
    }

    private static Label render(String text, int height) {
        Font font = new Font(Font.SANS_SERIF, Font.BOLD, Math.max(6, height * 5 / 8));
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D pg = probe.createGraphics();
        FontMetrics fm = pg.getFontMetrics(font);
        int pad = even(Math.max(2, height / 3));
        int width = even(Math.min(4096, fm.stringWidth(text) + 2 * pad + 1));
        pg.dispose();
        width = Math.max(2, width);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setColor(java.awt.Color.WHITE);
            g.setFont(font);
            int baseline = (height - (fm.getAscent() + fm.getDescent())) / 2 + fm.getAscent();
            g.drawString(text, pad, baseline);
        } finally {
            g.dispose();
        }
        byte[] coverage = new byte[width * height];
        img.getRaster().getDataElements(0, 0, width, height, coverage);
        byte[] luma = new byte[width * height];
        byte[] alpha = new byte[width * height];
        int b = BOX_ALPHA;
        for (int i = 0; i < coverage.length; i++) {
            int c = coverage[i] & 0xff;
            // box under text: a = 1 - (1-b)(1-c); luma * a = box*b*(1-c) + text*c (all over 255)
            int a = 255 * 255 - (255 - b) * (255 - c); // over 255^2
            int la = BOX_LUMA * b * (255 - c) + TEXT_LUMA * c * 255; // over 255^2
            alpha[i] = (byte) ((a + 127) / 255);
            luma[i] = (byte) (a == 0 ? 0 : Math.min(255, (la + a / 2) / a));
        }
        return new Label(width, height, luma, alpha);
    }

    /** Blends the first {@code visibleW} columns of {@code label} with its top-left at x, y (even, clipped to the canvas). */
    private static void blend(Picture canvas, Label label, int x, int y, int visibleW) {
        int w = Math.min(visibleW, canvas.width() - x);
        int h = Math.min(label.height(), canvas.height() - y);
        if (w <= 1 || h <= 1 || x < 0 || y < 0) {
            return;
        }
        w &= ~1;
        h &= ~1;
        byte[] row = new byte[w];
        byte[] luma = label.luma();
        byte[] alpha = label.alpha();
        int lw = label.width();
        BytePointer yPlane = new BytePointer(canvas.data(0));
        int ys = canvas.stride(0);
        for (int r = 0; r < h; r++) {
            yPlane.position((long) (y + r) * ys + x);
            yPlane.get(row, 0, w);
            int o = r * lw;
            for (int c = 0; c < w; c++) {
                int a = alpha[o + c] & 0xff;
                if (a != 0) {
                    row[c] = (byte) (((row[c] & 0xff) * (255 - a) + (luma[o + c] & 0xff) * a + 127) / 255);
                }
            }
            yPlane.put(row, 0, w);
        }
        int cw = w / 2;
        byte[] crow = new byte[cw];
        for (int p = 1; p <= 2; p++) {
            BytePointer plane = new BytePointer(canvas.data(p));
            int cs = canvas.stride(p);
            for (int r = 0; r < h / 2; r++) {
                plane.position((long) (y / 2 + r) * cs + x / 2);
                plane.get(crow, 0, cw);
                int o0 = 2 * r * lw;
                int o1 = o0 + lw;
                for (int c = 0; c < cw; c++) {
                    int a = ((alpha[o0 + 2 * c] & 0xff) + (alpha[o0 + 2 * c + 1] & 0xff)
                            + (alpha[o1 + 2 * c] & 0xff) + (alpha[o1 + 2 * c + 1] & 0xff) + 2) / 4;
                    if (a != 0) {
                        crow[c] = (byte) (((crow[c] & 0xff) * (255 - a) + 128 * a + 127) / 255);
                    }
                }
                plane.put(crow, 0, cw);
            }
        }
    }

    private static int even(int v) {
        return v & ~1;
    }
}
