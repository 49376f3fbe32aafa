package dev.amphi.ingest.webrtc.rtp;

/**
 * Comparisons of 16-bit RTP sequence numbers and 32-bit RTP timestamps, which wrap around: a value
 * is newer than another when it is less than half the number space ahead of it. Exactly half apart
 * is ambiguous; the numerically larger value is taken as the newer, so the order stays antisymmetric.
 */
public final class SequenceNumbers {

    private SequenceNumbers() {
    }

    /** Signed distance from {@code from} to {@code to} in -32768..32767 (both 0..65535). */
    public static int distance(int from, int to) {
        return (short) (to - from);
    }

    /** Whether sequence number {@code a} comes after {@code b}. */
    public static boolean isNewer(int a, int b) {
        int d = (a - b) & 0xffff;
        return d == 0x8000 ? a > b : d != 0 && d < 0x8000;
    }

    /** Signed distance from timestamp {@code from} to {@code to} (both 0..2^32-1). */
    public static long timestampDistance(long from, long to) {
        return (int) (to - from);
    }

    /** Whether timestamp {@code a} comes after {@code b}. */
    public static boolean isNewerTimestamp(long a, long b) {
        long d = (a - b) & 0xffffffffL;
        return d == 0x80000000L ? a > b : d != 0 && d < 0x80000000L;
    }
}
