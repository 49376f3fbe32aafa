package dev.amphi.transcode.frame;

/**
 * An even-aligned rectangle on a picture, in pixels (YUV 4:2:0 needs even positions and sizes).
 */
public record Rect(int x, int y, int width, int height) {

    public Rect {
        if (x < 0 || y < 0 || width < 0 || height < 0 || ((x | y | width | height) & 1) != 0) {
            throw new IllegalArgumentException("rectangle must have even, non-negative coordinates and size, got "
                    + width + "x" + height + " at " + x + "," + y);
        }
    }

    /**
     * The largest even-sized rectangle with the source's aspect ratio that fits in this one,
     * centred (letterboxed or pillarboxed).
     */
    public Rect fit(int sourceWidth, int sourceHeight) {
        if (sourceWidth <= 0 || sourceHeight <= 0) {
            throw new IllegalArgumentException("source size must be positive, got " + sourceWidth + "x" + sourceHeight);
        }
        long wByH = (long) width * sourceHeight;
        long hByW = (long) height * sourceWidth;
        int w;
        int h;
        if (wByH <= hByW) { // width-bound
            w = width;
            h = (int) ((long) width * sourceHeight / sourceWidth);
        } else {
            h = height;
            w = (int) ((long) height * sourceWidth / sourceHeight);
        }
        w = Math.max(2, w & ~1);
        h = Math.max(2, h & ~1);
        int fx = (x + (width - w) / 2) & ~1;
        int fy = (y + (height - h) / 2) & ~1;
        return new Rect(fx, fy, w, h);
    }
}
