package dev.amphi.core.room;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How many people watch each room, estimated without keeping anyone: every watch page reports a
 * random id of its own every {@link #BEACON_SECONDS} s, and each room keeps one HyperLogLog sketch
 * ({@value #REGISTERS} one-byte registers, about 3 % standard error) per minute. The estimate is the
 * number of distinct ids over the current and the previous minute, so a viewer counts until one to
 * two minutes after their last report. Memory: two sketches per room, whatever the audience.
 * Thread-safe; a report is a hash and one register update under the room's short lock.
 */
public final class ViewerEstimate {

    /** How often a page reports (the page's side of the contract). */
    public static final int BEACON_SECONDS = 30;
    static final int PRECISION = 10;
    static final int REGISTERS = 1 << PRECISION;
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final Map<String, RoomSketch> rooms = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    public ViewerEstimate() {
        this(System::nanoTime);
    }

    /** With a clock of its own (tests). */
    public ViewerEstimate(LongSupplier nanoTime) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** A page of {@code room} reported {@code viewerId}. */
    public void seen(String room, String viewerId) {
        long h = hash(viewerId);
        rooms.computeIfAbsent(room, r -> new RoomSketch()).add(h, minute());
    }

    /** The estimated viewers of {@code room} over the last one to two minutes. */
    public int estimate(String room) {
        RoomSketch s = rooms.get(room);
        return s == null ? 0 : s.estimate(minute());
    }

    /** Forgets a deleted room. */
    public void removeRoom(String room) {
        rooms.remove(room);
    }

    private long minute() {
        return Math.floorDiv(nanoTime.getAsLong(), MINUTE_NANOS);
    }

    /** 64-bit FNV-1a over the id's bytes, then a full-avalanche finalizer (each input bit moves each output bit). */
    static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** The current and the previous minute's registers of one room. */
    private static final class RoomSketch {
        private byte[] current = new byte[REGISTERS];
        private byte[] previous = new byte[REGISTERS];
        private long minute = Long.MIN_VALUE;

        synchronized void add(long hash, long now) {
            roll(now);
            int index = (int) (hash >>> (64 - PRECISION));
            int rank = Long.numberOfLeadingZeros((hash << PRECISION) | (1L << (PRECISION - 1))) + 1;
            if (rank > current[index]) {
                current[index] = (byte) rank;
            }
        }

        synchronized int estimate(long now) {
            roll(now);
            double sum = 0;
            int zeros = 0;
            for (int i = 0; i < REGISTERS; i++) {
                int r = Math.max(current[i], previous[i]); // the union of the two minutes
                sum += Math.scalb(1.0, -r);
                if (r == 0) {
                    zeros++;
                }
            }
            double m = REGISTERS;
            double raw = 0.7213 / (1 + 1.079 / m) * m * m / sum;
            if (raw <= 2.5 * m && zeros > 0) {
                raw = m * Math.log(m / zeros); // linear counting is better while registers are empty
            }
            return (int) Math.round(raw);
        }

        private void roll(long now) {
            if (now == minute) {
                return;
            }
            if (now == minute + 1) {
                byte[] t = previous;
                previous = current;
                current = t;
                java.util.Arrays.fill(current, (byte) 0);
            } else {
                java.util.Arrays.fill(current, (byte) 0);
                java.util.Arrays.fill(previous, (byte) 0);
            }
            minute = now;
        }
    }
}
