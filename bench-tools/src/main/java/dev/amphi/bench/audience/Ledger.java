package dev.amphi.bench.audience;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32;

/**
 * What the viewers saw of the comment windows and what the posters were told: every window object's
 * first successful fetch (time, checksum, the ids it lists), every accepted post (id, the window the
 * origin named), and the checks over them. Thread-safe: viewers on several event loops record into it.
 */
final class Ledger {

    /** A window object as first fetched, and how many later fetches differed from it. */
    static final class Seen {
        final long window;
        final long firstOkMs;
        final long crc;
        final List<String> ids;
        final LongAdder fetches = new LongAdder();
        final LongAdder changed = new LongAdder();

        Seen(long window, long firstOkMs, long crc, List<String> ids) {
            this.window = window;
            this.firstOkMs = firstOkMs;
            this.crc = crc;
            this.ids = ids;
        }
    }

    /** A post the origin accepted: its id, the window its 201 named, when it was answered. */
    record Accepted(String id, long window, long answeredMs) {
    }

    final Map<Long, Seen> windows = new ConcurrentHashMap<>();
    final Map<String, Accepted> accepted = new ConcurrentHashMap<>();
    /** Any viewer's first 200 for a window through the edge (whole or partial fetch), epoch ms. */
    final Map<Long, Long> edgeFirstOk = new ConcurrentHashMap<>();
    /** Whether a GET of a window through the edge 1 s after the window's end was a 200. */
    final Map<Long, Boolean> edgeAt1s = new ConcurrentHashMap<>();
    /** The origin probe's first 200 for a window, epoch ms. */
    final Map<Long, Long> originFirstOk = new ConcurrentHashMap<>();
    volatile long windowLength = 0;

    /** Records that a viewer got window {@code k} (a 2xx, whole or partial). */
    void fetched(long k, long nowMs) {
        edgeFirstOk.merge(k, nowMs, Math::min);
    }

    /** Records a whole window object's body, as fetched by a checking viewer. */
    void window(long k, Buffer body, long nowMs) {
        fetched(k, nowMs);
        CRC32 crc = new CRC32();
        crc.update(body.getBytes());
        long sum = crc.getValue();
        Seen s = windows.get(k);
        if (s == null) {
            List<String> ids = new ArrayList<>();
            JsonArray comments = new JsonObject(body).getJsonArray("comments", new JsonArray());
            for (int i = 0; i < comments.size(); i++) {
                ids.add(comments.getJsonObject(i).getString("id"));
            }
            Seen mine = new Seen(k, nowMs, sum, List.copyOf(ids));
            s = windows.putIfAbsent(k, mine);
            if (s == null) {
                s = mine;
            }
        }
        s.fetches.increment();
        if (s.crc != sum) {
            s.changed.increment();
        }
    }

    /** The result of the exactly-once check over every accepted post. */
    record Check(int accepted, int once, int missing, int duplicated, int wrongWindow, int unfetched, long changedFetches) {
    }

    /**
     * Every accepted post whose named window was fetched must be listed in exactly one fetched window,
     * the one its 201 named; posts whose window nobody fetched are counted apart ({@code unfetched}).
     */
    Check check() {
        Map<String, List<Long>> where = new HashMap<>();
        long changed = 0;
        for (Seen s : windows.values()) {
            changed += s.changed.sum();
            for (String id : s.ids) {
                where.computeIfAbsent(id, x -> new ArrayList<>(1)).add(s.window);
            }
        }
        int once = 0;
        int missing = 0;
        int dup = 0;
        int wrong = 0;
        int unfetched = 0;
        for (Accepted a : accepted.values()) {
            List<Long> in = where.getOrDefault(a.id(), List.of());
            if (in.size() > 1) {
                dup++;
            } else if (in.size() == 1) {
                if (in.get(0) == a.window()) {
                    once++;
                } else {
                    wrong++;
                }
            } else if (windows.containsKey(a.window())) {
                missing++;
            } else {
                unfetched++;
            }
        }
        return new Check(accepted.size(), once, missing, dup, wrong, unfetched, changed);
    }

    /** {fetchable, asked}: windows ending in [fromMs, toMs) that the edge served 1 s after their end. */
    int[] fetchableAt1s(long fromMs, long toMs) {
        long len = windowLength;
        int ok = 0;
        int asked = 0;
        for (Map.Entry<Long, Boolean> e : edgeAt1s.entrySet()) {
            long end = (e.getKey() + 1) * len;
            if (len > 0 && end >= fromMs && end < toMs) {
                asked++;
                ok += e.getValue() ? 1 : 0;
            }
        }
        return new int[] {ok, asked};
    }

    /** Milliseconds from each window's end to its first 200 (through the edge, or at the origin), for windows ending in [fromMs, toMs). */
    List<Long> delays(boolean origin, long fromMs, long toMs) {
        List<Long> out = new ArrayList<>();
        long len = windowLength;
        if (len <= 0) {
            return out;
        }
        Map<Long, Long> first = new HashMap<>();
        first.putAll(origin ? originFirstOk : edgeFirstOk);
        first.forEach((k, ok) -> {
            long end = (k + 1) * len;
            if (end >= fromMs && end < toMs) {
                out.add(ok - end);
            }
        });
        out.sort(null);
        return out;
    }
}
