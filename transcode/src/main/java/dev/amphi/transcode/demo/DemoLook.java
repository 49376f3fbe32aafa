package dev.amphi.transcode.demo;

import dev.amphi.transcode.frame.Picture;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.TextLayout;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.Objects;
import org.bytedeco.javacpp.BytePointer;

/**
 * What one demo speaker looks like: a 640x360 picture filled with the speaker's own colour (hue =
 * index / count, saturation 0.7, value 0.8), a lighter bar sweeping across, a white block bouncing
 * on a Lissajous path, and the speaker's name large in white with a black outline. Frame {@code n}
 * of a {@link #LOOP_FRAMES}-frame loop: the motion is periodic, so the loop replays seamlessly.
 *
 * <p>Not thread-safe; used once, while the loop is encoded.
 */
final class DemoLook {

    static final int WIDTH = 640;
    static final int HEIGHT = 360;
    static final int FPS = 30;
    /** Frames in one loop: 2 s at 30 fps. */
    static final int LOOP_FRAMES = 2 * FPS;

    private static final int BLOCK = 80;
    private static final int BAR = 48;
    private static final int NAME_MAX_WIDTH = WIDTH - 64;
    private static final String FONT = Font.SANS_SERIF;

    private final int[] background;
    private final int[] bar;
    /** Name mask over the whole picture: 0 nothing, 1 outline (black), 2 text (white). */
    private final byte[] nameMask;
    private final int nameTop;
    private final int nameBottom;

    DemoLook(String name, int index, int count) {
        Objects.requireNonNull(name, "name");
        double hue = hueDegrees(index, count);
        background = rgbToYuv(hsvToRgb(hue, 0.7, 0.8));
        bar = rgbToYuv(hsvToRgb(hue, 0.35, 0.95));
        nameMask = new byte[WIDTH * HEIGHT];
        int[] rows = renderName(name, nameMask);
        nameTop = rows[0];
        nameBottom = rows[1];
    }

    /** The speaker's hue in degrees: {@code 360 * index / count}. */
    static double hueDegrees(int index, int count) {
        return 360.0 * index / count;
    }

    /** Draws frame {@code n} (taken modulo the loop) into {@code p}, a {@code WIDTH x HEIGHT} picture. */
    void draw(Picture p, int n) {
        if (p.width() != WIDTH || p.height() != HEIGHT) {
            throw new IllegalArgumentException("demo pictures are " + WIDTH + "x" + HEIGHT + ", got " + p.width() + "x"
                    + p.height());
        }
        double phase = (double) Math.floorMod(n, LOOP_FRAMES) / LOOP_FRAMES; // 0..1 over the loop
        p.fill(background[0], background[1], background[2]);
        int barX = even((int) Math.round(phase * (WIDTH - BAR)));
        p.fillRect(barX, 0, BAR, HEIGHT, bar[0], bar[1], bar[2]);
        // One turn of the loop in x, two in y: a figure of eight that ends where it started.
        double x = (0.5 + 0.45 * Math.sin(2 * Math.PI * phase)) * (WIDTH - BLOCK);
        double y = (0.5 + 0.45 * Math.sin(4 * Math.PI * phase)) * (HEIGHT - BLOCK);
        p.fillRect(even((int) Math.round(x)), even((int) Math.round(y)), BLOCK, BLOCK, 235, 128, 128);
        drawName(p);
    }

    private void drawName(Picture p) {
        BytePointer luma = p.data(0);
        int stride = p.stride(0);
        BytePointer cb = p.data(1);
        BytePointer cr = p.data(2);
        int cstride = p.stride(1);
        byte[] row = new byte[WIDTH];
        byte[] crow = new byte[WIDTH / 2];
        for (int y = nameTop; y < nameBottom; y++) {
            luma.position((long) y * stride).get(row, 0, WIDTH);
            boolean any = false;
            for (int x = 0; x < WIDTH; x++) {
                byte m = nameMask[y * WIDTH + x];
                if (m != 0) {
                    row[x] = (byte) (m == 2 ? 235 : 16);
                    any = true;
                }
            }
            if (!any) {
                continue;
            }
            luma.position((long) y * stride).put(row, 0, WIDTH);
            if ((y & 1) == 0) { // grey under the name so white stays white
                for (BytePointer plane : new BytePointer[] {cb, cr}) {
                    plane.position((long) (y / 2) * cstride).get(crow, 0, WIDTH / 2);
                    for (int cx = 0; cx < WIDTH / 2; cx++) {
                        if (nameMask[y * WIDTH + 2 * cx] != 0 || nameMask[y * WIDTH + 2 * cx + 1] != 0) {
                            crow[cx] = (byte) 128;
                        }
                    }
                    plane.position((long) (y / 2) * cstride).put(crow, 0, WIDTH / 2);
                }
            }
        }
        luma.position(0);
        cb.position(0);
        cr.position(0);
    }

    /** Renders the name centred in the lower half into {@code mask}; returns its {top, bottom} rows. */
    private static int[] renderName(String name, byte[] mask) {
        String text = name.isBlank() ? "?" : name.strip();
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            int size = 72;
            Font font = new Font(FONT, Font.BOLD, size);
            FontMetrics fm = g.getFontMetrics(font);
            while (size > 16 && fm.stringWidth(text) > NAME_MAX_WIDTH) {
                size -= 4;
                font = new Font(FONT, Font.BOLD, size);
                fm = g.getFontMetrics(font);
            }
            int x = Math.max(8, (WIDTH - fm.stringWidth(text)) / 2);
            int baseline = HEIGHT - 40 - fm.getDescent();
            TextLayout layout = new TextLayout(text, font, g.getFontRenderContext());
            java.awt.Shape outline = layout.getOutline(AffineTransform.getTranslateInstance(x, baseline));
            g.setColor(Color.RED); // outline: a wide stroke around the glyphs
            g.setStroke(new BasicStroke(Math.max(4f, size / 9f), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(outline);
            g.setColor(Color.GREEN);
            g.fill(outline);
        } finally {
            g.dispose();
        }
        int top = HEIGHT;
        int bottom = 0;
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int gr = (rgb >> 8) & 0xff;
                if (r + gr < 128) {
                    continue;
                }
                mask[y * WIDTH + x] = (byte) (gr >= r ? 2 : 1);
                top = Math.min(top, y);
                bottom = Math.max(bottom, y + 1);
            }
        }
        return top < bottom ? new int[] {top & ~1, Math.min(HEIGHT, (bottom + 1) & ~1)} : new int[] {0, 0};
    }

    /** HSV (hue in degrees, s and v in 0..1) to RGB in 0..1. */
    static double[] hsvToRgb(double hue, double s, double v) {
        double h = ((hue % 360) + 360) % 360 / 60;
        double c = v * s;
        double x = c * (1 - Math.abs(h % 2 - 1));
        double m = v - c;
        double[] rgb = switch ((int) h) {
            case 0 -> new double[] {c, x, 0};
            case 1 -> new double[] {x, c, 0};
            case 2 -> new double[] {0, c, x};
            case 3 -> new double[] {0, x, c};
            case 4 -> new double[] {x, 0, c};
            default -> new double[] {c, 0, x};
        };
        return new double[] {rgb[0] + m, rgb[1] + m, rgb[2] + m};
    }

    /** RGB in 0..1 to BT.601 limited-range Y, Cb, Cr. */
    static int[] rgbToYuv(double[] rgb) {
        double r = rgb[0];
        double g = rgb[1];
        double b = rgb[2];
        int y = (int) Math.round(16 + 65.481 * r + 128.553 * g + 24.966 * b);
        int u = (int) Math.round(128 - 37.797 * r - 74.203 * g + 112.0 * b);
        int v = (int) Math.round(128 + 112.0 * r - 93.786 * g - 18.214 * b);
        return new int[] {clamp(y), clamp(u), clamp(v)};
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static int even(int v) {
        return v & ~1;
    }
}
