package dev.amphi.transcode.encode;

import java.util.Arrays;
import java.util.List;

/**
 * Where each rung's picture is scaled from. A rung at most {@code 1/}{@value #RATIO} the size of
 * another scaled rung in both dimensions is scaled from the smallest such rung's picture instead
 * of from the canvas (480p and 360p from 720p in the default ladder): bicubic's cost grows with the
 * source's size, so this takes a third off the ladder's scaling, and its pictures stay within
 * 0.25 dB PSNR of scaling from the canvas (bench/compose.sh). One level only: a rung scaled from
 * another rung feeds no third. Rungs of the canvas's size take the canvas as it is. Immutable.
 */
final class CascadePlan {

    /** How much larger (both dimensions) a scaled rung must be to serve as another rung's source. */
    static final double RATIO = 1.4;

    private final int[] from;
    private final boolean[] feeds;

    private CascadePlan(int[] from) {
        this.from = from;
        this.feeds = new boolean[from.length];
        for (int f : from) {
            if (f >= 0) {
                feeds[f] = true;
            }
        }
    }

    static CascadePlan of(int canvasW, int canvasH, List<Rung> rungs) {
        return new CascadePlan(sourceRungs(canvasW, canvasH, rungs));
    }

    /** The index of the rung whose picture rung {@code rung} is scaled from, or -1 for the canvas. */
    int from(int rung) {
        return from[rung];
    }

    /** Whether another rung is scaled from rung {@code rung}'s picture. */
    boolean feeds(int rung) {
        return feeds[rung];
    }

    /**
     * Per rung: the index of a scaled rung at least {@value #RATIO} times its size in both
     * dimensions (the smallest such, itself scaled from the canvas), or -1 for the canvas.
     */
    static int[] sourceRungs(int canvasW, int canvasH, List<Rung> rungs) {
        int n = rungs.size();
        int[] from = new int[n];
        Arrays.fill(from, -1);
        for (int i = 0; i < n; i++) {
            Rung r = rungs.get(i);
            if (r.width() == canvasW && r.height() == canvasH) {
                continue;
            }
            long best = Long.MAX_VALUE;
            for (int j = 0; j < n; j++) {
                Rung c = rungs.get(j);
                boolean scaled = !(c.width() == canvasW && c.height() == canvasH);
                if (j != i && scaled && c.width() >= RATIO * r.width() && c.height() >= RATIO * r.height()
                        && c.width() <= canvasW && c.height() <= canvasH && (long) c.width() * c.height() < best) {
                    best = (long) c.width() * c.height();
                    from[i] = j;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (from[i] >= 0 && from[from[i]] >= 0) {
                from[i] = from[from[i]];
            }
        }
        return from;
    }
}
