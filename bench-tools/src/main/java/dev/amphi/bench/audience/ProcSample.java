package dev.amphi.bench.audience;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Readers of {@code /proc}: a process's CPU ticks (with its children, e.g. nginx's workers), bytes written, the machine's busy ticks. */
final class ProcSample {

    private ProcSample() {
    }

    /** utime + stime of {@code pid} in clock ticks; 0 when it is gone or 0 was given. */
    static long ticks(int pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Ticks of {@code pid} and of every process whose parent it is (nginx: the master and its workers). */
    static long treeTicks(int pid) {
        if (pid <= 0) {
            return 0;
        }
        long t = ticks(pid);
        for (int child : children(pid)) {
            t += ticks(child);
        }
        return t;
    }

    static List<Integer> children(int parent) {
        List<Integer> out = new ArrayList<>();
        try (var dirs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path d : dirs) {
                try {
                    String s = Files.readString(d.resolve("stat"));
                    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                    if (Integer.parseInt(f[1]) == parent) {
                        out.add(Integer.parseInt(d.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc: nothing
        }
        return out;
    }

    /**
     * CPU ticks of {@code pid}'s threads summed per thread name with its numbers dropped
     * ({@code vert.x-eventloop-thread-3} and {@code -0} are one group); empty when unreadable.
     */
    static java.util.Map<String, Long> threadGroups(int pid) {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        if (pid <= 0) {
            return out;
        }
        try (var tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks) {
                try {
                    String s = Files.readString(t.resolve("stat"));
                    String name = s.substring(s.indexOf('(') + 1, s.lastIndexOf(')')).replaceAll("[0-9]+", "#").strip();
                    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                    out.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // process gone
        }
        return out;
    }

    /** {@code wchar} of {@code pid}: bytes it wrote with write/send calls (sockets included); 0 when unreadable. */
    static long bytesWritten(int pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
                if (line.startsWith("wchar:")) {
                    return Long.parseLong(line.substring(6).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not readable
        }
        return 0;
    }

    /** {busy, total} jiffies over all CPUs, from the first line of /proc/stat. */
    static long[] machine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                long v = Long.parseLong(f[i]);
                total += v;
                if (i != 4 && i != 5) {
                    busy += v;
                }
            }
            return new long[] {busy, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 1};
        }
    }
}
