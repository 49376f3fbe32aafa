package dev.amphi.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a speaker's video frame spends its time inside the server, for the glass-to-glass
 * benchmark ({@code bench/glass-to-glass.sh}). Off unless the JVM runs with
 * {@code -Damphi.latencyTrace=FILE}: then each stage's duration per video frame is appended to
 * FILE as a line {@code STAGE EPOCH_MILLIS MICROS}, written by a daemon thread once a second. Off,
 * every method returns at once on a constant ({@link #ON}), which the JIT folds away.
 *
 * <p>Stages hand a frame's time to the next by {@linkplain #stamp stamping} the object that carries
 * it (a packet), looked up by identity in a small bounded table; a stamp that fell out of it is
 * simply not recorded.
 */
public final class LatencyTrace {

    /** Whether the trace is on ({@code -Damphi.latencyTrace=FILE}). */
    public static final boolean ON;
    private static final Path FILE;
    private static final int STAMPS = 512;

    private static final Object LOCK = new Object();
    private static StringBuilder pending = new StringBuilder(); // guarded by LOCK
    private static final Map<Identity, Long> STAMPED = new LinkedHashMap<>(STAMPS * 2, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Identity, Long> eldest) {
            return size() > STAMPS;
        }
    }; // guarded by LOCK

    static {
        String file = System.getProperty("amphi.latencyTrace", "");
        ON = !file.isBlank();
        FILE = ON ? Path.of(file) : null;
        if (ON) {
            Thread t = new Thread(LatencyTrace::flushLoop, "amphi-latency-trace");
            t.setDaemon(true);
            t.start();
        }
    }

    private LatencyTrace() {
    }

    /** Records that one frame spent {@code nanos} in {@code stage} (a word, no spaces). Any thread. */
    public static void record(String stage, long nanos) {
        if (!ON) {
            return;
        }
        long now = System.currentTimeMillis();
        synchronized (LOCK) {
            pending.append(stage).append(' ').append(now).append(' ').append(nanos / 1000).append('\n');
        }
    }

    /** Remembers {@code nanos} ({@link System#nanoTime()}) for {@code carrier}, compared by identity. Any thread. */
    public static void stamp(Object carrier, long nanos) {
        if (!ON) {
            return;
        }
        synchronized (LOCK) {
            STAMPED.put(new Identity(carrier), nanos);
        }
    }

    /**
     * Records the time since {@code carrier} was {@linkplain #stamp stamped} as {@code stage}, when
     * it was; the stamp stays (a packet sent to several subscribers). Any thread.
     */
    public static void since(String stage, Object carrier) {
        if (!ON) {
            return;
        }
        Long at;
        synchronized (LOCK) {
            at = STAMPED.get(new Identity(carrier));
        }
        if (at != null) {
            record(stage, System.nanoTime() - at);
        }
    }

    private static void flushLoop() {
        while (true) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            String out;
            synchronized (LOCK) {
                if (pending.length() == 0) {
                    continue;
                }
                out = pending.toString();
                pending = new StringBuilder(out.length() + 256);
            }
            try (Writer w = Files.newBufferedWriter(FILE, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                w.write(out);
            } catch (IOException e) {
                throw new UncheckedIOException("latency trace: cannot write " + FILE, e);
            }
        }
    }

    /** A key compared by identity. */
    private record Identity(Object o) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Identity i && i.o == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(o);
        }
    }
}
