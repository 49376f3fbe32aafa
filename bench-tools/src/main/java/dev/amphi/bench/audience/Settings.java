package dev.amphi.bench.audience;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark's settings, from {@code --name value} arguments (see {@link #USAGE}).
 *
 * @param mode          {@code pull} (viewers follow playlists and comment objects through the edge) or
 *                      {@code push} (one SSE stream per viewer straight from the origin)
 * @param edge          the caching edge's base URL (pull)
 * @param origin        the origin's base URL (posts, the publish probe, push streams)
 * @param metrics       the origin's {@code /metrics} URL
 * @param segmentBytes  bytes of each segment a viewer fetches (a {@code Range} request); 0: whole segments
 * @param checkEvery    every {@code checkEvery}-th viewer fetches whole comment windows (the exactly-once check); 1: all
 */
record Settings(String mode, URI edge, URI origin, URI metrics, String room, String key, int viewers, int connections,
                int loops, int warmupS, int measureS, int drainS, double postRate, int tokens, int postAddresses,
                int latencyMinMs, int latencyMaxMs, int segmentBytes, int checkEvery, int originPid, int nginxPid, int clkTck,
                String csv, String label) {

    static final String USAGE = """
            AudienceBench --mode pull|push --edge URL --origin URL --metrics URL --room NAME --key STREAMKEY
              --viewers N [--connections 256] [--loops 2] [--warmup 20] [--measure 30] [--drain 5]
              [--post-rate 200] [--tokens 4000] [--post-addresses 128] [--latency-min-ms 4000] [--latency-max-ms 8000]
              [--segment-bytes 4096] [--check-every 20] [--origin-pid PID] [--nginx-pid PID] [--clk-tck 100] [--csv FILE] [--label TEXT]""";

    Settings {
        if (!Set.of("pull", "push").contains(mode)) {
            throw new IllegalArgumentException("--mode must be pull or push, was " + mode);
        }
        if (viewers < 0 || connections < 1 || loops < 1 || warmupS < 0 || measureS < 1 || drainS < 0 || postRate < 0
                || tokens < 1 || postAddresses < 1 || postAddresses > 250 || latencyMinMs < 0 || latencyMaxMs < latencyMinMs
                || segmentBytes < 0 || checkEvery < 1) {
            throw new IllegalArgumentException("a numeric setting is out of range: " + USAGE);
        }
    }

    static Settings parse(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'\n" + USAGE);
            }
            m.put(args[i].substring(2), args[i + 1]);
        }
        String origin = req(m, "origin");
        Settings s = new Settings(req(m, "mode"), URI.create(m.getOrDefault("edge", origin)), URI.create(origin),
                URI.create(req(m, "metrics")), req(m, "room"), m.getOrDefault("key", ""), num(m, "viewers", 100),
                num(m, "connections", 256), num(m, "loops", 2), num(m, "warmup", 20), num(m, "measure", 30), num(m, "drain", 5),
                Double.parseDouble(m.getOrDefault("post-rate", "200")), num(m, "tokens", 4000), num(m, "post-addresses", 128),
                num(m, "latency-min-ms", 4000), num(m, "latency-max-ms", 8000), num(m, "segment-bytes", 4096),
                num(m, "check-every", 20),
                num(m, "origin-pid", 0), num(m, "nginx-pid", 0), num(m, "clk-tck", 100), m.getOrDefault("csv", ""),
                m.getOrDefault("label", ""));
        m.keySet().removeAll(Set.of("mode", "edge", "origin", "metrics", "room", "key", "viewers", "connections", "loops",
                "warmup", "measure", "drain", "post-rate", "tokens", "post-addresses", "latency-min-ms", "latency-max-ms",
                "segment-bytes", "check-every", "origin-pid", "nginx-pid", "clk-tck", "csv", "label"));
        if (!m.isEmpty()) {
            throw new IllegalArgumentException("unknown options " + m.keySet() + "\n" + USAGE);
        }
        return s;
    }

    private static String req(Map<String, String> m, String name) {
        String v = m.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required\n" + USAGE);
        }
        return v;
    }

    private static int num(Map<String, String> m, String name, int dflt) {
        String v = m.get(name);
        try {
            return v == null ? dflt : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, was '" + v + "'");
        }
    }
}
