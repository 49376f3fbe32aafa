package dev.amphi.bench.audience;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The clients' request counters by kind: answered (2xx), refused or failed, skipped (the viewer was still busy with the last one), bytes read. */
final class Counts {

    enum Kind { MASTER, PLAYLIST, INIT, SEGMENT, INDEX, WINDOW, STREAM, PROBE, EDGE_PROBE }

    final Map<Kind, LongAdder> ok = new EnumMap<>(Kind.class);
    final Map<Kind, LongAdder> failed = new EnumMap<>(Kind.class);
    final Map<Kind, LongAdder> skipped = new EnumMap<>(Kind.class);
    final LongAdder bytes = new LongAdder();
    /** Comment events received on push streams (all viewers). */
    final LongAdder pushedComments = new LongAdder();

    Counts() {
        for (Kind k : Kind.values()) {
            ok.put(k, new LongAdder());
            failed.put(k, new LongAdder());
            skipped.put(k, new LongAdder());
        }
    }

    /** A copy of the current totals: ok, failed, skipped per kind (index = ordinal), then bytes and pushed comments. */
    long[] snapshot() {
        Kind[] ks = Kind.values();
        long[] s = new long[ks.length * 3 + 2];
        for (Kind k : ks) {
            s[k.ordinal()] = ok.get(k).sum();
            s[ks.length + k.ordinal()] = failed.get(k).sum();
            s[2 * ks.length + k.ordinal()] = skipped.get(k).sum();
        }
        s[3 * ks.length] = bytes.sum();
        s[3 * ks.length + 1] = pushedComments.sum();
        return s;
    }

    static long ok(long[] s, Kind k) {
        return s[k.ordinal()];
    }

    static long failed(long[] s, Kind k) {
        return s[Kind.values().length + k.ordinal()];
    }

    static long skipped(long[] s, Kind k) {
        return s[2 * Kind.values().length + k.ordinal()];
    }

    static long bytes(long[] s) {
        return s[3 * Kind.values().length];
    }

    static long pushed(long[] s) {
        return s[3 * Kind.values().length + 1];
    }
}
