package dev.amphi.ingest.webrtc.dtls;

/**
 * Replay protection for one stream (RFC 3711 section 3.3.2): the highest authenticated index and
 * a 128-packet window below it. An index is checked before authentication and recorded only after.
 */
final class ReplayWindow {

    static final int SIZE = 128;

    private long highest = -1;
    private long bitsLow;   // bit i: highest - i was received, i in 0..63
    private long bitsHigh;  // bit i: highest - 64 - i was received

    /** Whether {@code index} was already accepted or lies below the window. */
    boolean isReplay(long index) {
        if (highest < 0 || index > highest) {
            return false;
        }
        long delta = highest - index;
        if (delta >= SIZE) {
            return true;
        }
        return delta < 64 ? (bitsLow & (1L << delta)) != 0 : (bitsHigh & (1L << (delta - 64))) != 0;
    }

    /** Records an authenticated {@code index}. */
    void accept(long index) {
        if (highest < 0) {
            highest = index;
            bitsLow = 1;
            bitsHigh = 0;
            return;
        }
        if (index > highest) {
            long shift = index - highest;
            if (shift >= SIZE) {
                bitsLow = 0;
                bitsHigh = 0;
            } else if (shift >= 64) {
                bitsHigh = bitsLow << (shift - 64);
                bitsLow = 0;
            } else {
                bitsHigh = (bitsHigh << shift) | (bitsLow >>> (64 - shift));
                bitsLow <<= shift;
            }
            bitsLow |= 1;
            highest = index;
            return;
        }
        long delta = highest - index;
        if (delta < 64) {
            bitsLow |= 1L << delta;
        } else if (delta < SIZE) {
            bitsHigh |= 1L << (delta - 64);
        }
    }

    long highest() {
        return highest;
    }
}
