package dev.amphi.transcode.video;

import dev.amphi.transcode.frame.Picture;

/** Reads pixels of a picture in tests. */
final class Pixels {

    private Pixels() {
    }

    static int luma(Picture p, int x, int y) {
        return p.data(0).get((long) y * p.stride(0) + x) & 0xff;
    }

    /** Y, Cb, Cr at (x, y). */
    static int[] yuv(Picture p, int x, int y) {
        return new int[] {luma(p, x, y),
            p.data(1).get((long) (y / 2) * p.stride(1) + x / 2) & 0xff,
            p.data(2).get((long) (y / 2) * p.stride(2) + x / 2) & 0xff};
    }

    /** Whether (x, y) is within {@code tolerance} of the expected Y, Cb, Cr. */
    static boolean near(Picture p, int x, int y, int[] expected, int tolerance) {
        int[] got = yuv(p, x, y);
        for (int i = 0; i < 3; i++) {
            if (Math.abs(got[i] - expected[i]) > tolerance) {
                return false;
            }
        }
        return true;
    }

    static String describe(Picture p, int x, int y) {
        int[] v = yuv(p, x, y);
        return "YCbCr(" + v[0] + "," + v[1] + "," + v[2] + ") at " + x + "," + y;
    }
}
