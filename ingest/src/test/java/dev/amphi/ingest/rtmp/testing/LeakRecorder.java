package dev.amphi.ingest.rtmp.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects Netty's leak reports (tests run with paranoid leak detection) so tests can assert that
 * nothing leaked: {@link #assertNoLeaks()} forces a GC, allocates to make the detector report, and
 * fails with the reports.
 */
public final class LeakRecorder extends AppenderBase<ILoggingEvent> {

    private static final List<String> LEAKS = new ArrayList<>();

    @Override
    protected void append(ILoggingEvent e) {
        if (e.getFormattedMessage().contains("LEAK")) {
            synchronized (LEAKS) {
                LEAKS.add(e.getFormattedMessage().lines().limit(12).reduce("", (a, b) -> a + "\n" + b));
            }
        }
    }

    public static void assertNoLeaks() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            for (int j = 0; j < 100; j++) {
                ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(16);
                b.release();
                ByteBuf u = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
                u.release();
            }
        }
        synchronized (LEAKS) {
            if (!LEAKS.isEmpty()) {
                String all = String.join("\n----\n", LEAKS);
                LEAKS.clear();
                throw new AssertionError("Netty reported leaked buffers:" + all);
            }
        }
    }
}
