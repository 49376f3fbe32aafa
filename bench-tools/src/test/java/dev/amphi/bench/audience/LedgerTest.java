package dev.amphi.bench.audience;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** The benchmark's exactly-once check finds each way a window object can get an accepted comment wrong. */
class LedgerTest {

    private static Buffer window(long k, String... ids) {
        StringBuilder b = new StringBuilder("{\"room\":\"hall\",\"window\":" + k + ",\"comments\":[");
        for (int i = 0; i < ids.length; i++) {
            b.append(i == 0 ? "" : ",").append("{\"id\":\"").append(ids[i]).append("\",\"t\":1,\"text\":\"x\"}");
        }
        return Buffer.buffer(b.append("],\"reactions\":[]}").toString());
    }

    private static void accept(Ledger l, String id, long window) {
        l.accepted.put(id, new Ledger.Accepted(id, window, 0));
    }

    @Test
    void countsOnceMissingDuplicatedWrongWindowAndUnfetched() {
        Ledger l = new Ledger();
        l.window(10, window(10, "a", "b", "d"), 1000);
        l.window(11, window(11, "d", "e"), 3000);
        accept(l, "a", 10);   // once
        accept(l, "b", 10);   // once
        accept(l, "c", 10);   // its window was fetched, it is not in it
        accept(l, "d", 10);   // in two windows
        accept(l, "e", 10);   // in another window than its 201 said
        accept(l, "f", 12);   // nobody fetched window 12
        assertThat(l.check()).isEqualTo(new Ledger.Check(6, 2, 1, 1, 1, 1, 0));
    }

    @Test
    void aWindowThatChangesBetweenFetchesIsCounted() {
        Ledger l = new Ledger();
        l.window(10, window(10, "a"), 1000);
        l.window(10, window(10, "a"), 1100);
        l.window(10, window(10, "a", "b"), 1200);
        assertThat(l.check().changedFetches()).isEqualTo(1);
        assertThat(l.windows.get(10L).firstOkMs).isEqualTo(1000);
    }

    @Test
    void delaysAreMeasuredFromEachWindowsEnd() {
        Ledger l = new Ledger();
        l.windowLength = 2000;
        l.window(10, window(10), 22_600);    // ends at 22,000
        l.window(11, window(11), 24_900);    // ends at 24,000
        l.fetched(11, 24_800);               // a viewer that fetched only its first bytes, earlier
        l.window(20, window(20), 42_500);    // ends after the span asked for
        assertThat(l.delays(false, 20_000, 30_000)).containsExactly(600L, 800L);
    }
}
