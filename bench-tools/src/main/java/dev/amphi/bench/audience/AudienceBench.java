package dev.amphi.bench.audience;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The audience benchmark's client: {@code java -cp amphi-bench.jar dev.amphi.bench.audience.AudienceBench
 * --mode pull|push ...} (see {@link Settings#USAGE}; {@code bench/audience.sh} runs it). Starts the
 * posting load, then the viewers; after {@code --warmup} seconds samples the origin (CPU ticks of its
 * process, bytes it wrote, its {@code amphi_http_requests} counts by route from {@code /metrics}), the
 * edge (nginx master and workers), itself and the machine, again after {@code --measure} seconds, stops
 * posting, lets the viewers fetch the last windows for {@code --drain} seconds, checks and reports:
 * a {@code RESULT key=value ...} line on stdout and, with {@code --csv}, a row in that file.
 */
public final class AudienceBench {

    private AudienceBench() {
    }

    public static void main(String[] args) throws Exception {
        Settings s;
        try {
            s = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Map<String, String> result = run(s);
        StringBuilder line = new StringBuilder("RESULT");
        result.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println(line);
        if (!s.csv().isEmpty()) {
            Path csv = Path.of(s.csv());
            if (!Files.exists(csv)) {
                Files.writeString(csv, String.join(",", result.keySet()) + "\n", StandardCharsets.UTF_8);
            }
            Files.writeString(csv, String.join(",", result.values()) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        }
        System.exit(0);
    }

    /** What is read at each end of the window. */
    private record Snapshot(long ms, long originTicks, long originBytes, long nginxTicks, long selfTicks, long[] machine,
                            Map<String, Double> routes, long[] counts, Map<String, Long> originThreads) {
    }

    private static Snapshot snapshot(Settings s, Counts counts) {
        long before = System.currentTimeMillis();
        Map<String, Double> routes = routes(s.metrics()); // the slow part: the window's edge is taken at its middle
        long ms = (before + System.currentTimeMillis()) / 2;
        return new Snapshot(ms, ProcSample.ticks(s.originPid()), ProcSample.bytesWritten(s.originPid()),
                ProcSample.treeTicks(s.nginxPid()), ProcSample.ticks((int) ProcessHandle.current().pid()), ProcSample.machine(),
                routes, counts.snapshot(), ProcSample.threadGroups(s.originPid()));
    }

    /** Sum of {@code amphi_http_requests_seconds_count} per route label, from the origin's /metrics; null when it did not answer. */
    static Map<String, Double> routes(URI metrics) {
        Map<String, Double> out = new LinkedHashMap<>();
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().split("\n")) {
                if (line.startsWith("amphi_http_requests_seconds_count{")) {
                    int at = line.indexOf("route=\"");
                    String route = line.substring(at + 7, line.indexOf('"', at + 7));
                    out.merge(route, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("cannot read the origin's metrics at " + metrics + ": " + e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        return out;
    }

    static Map<String, String> run(Settings s) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(s.loops()).setWorkerPoolSize(2)
                .setBlockedThreadCheckInterval(10).setBlockedThreadCheckIntervalUnit(TimeUnit.SECONDS));
        Counts counts = new Counts();
        Ledger ledger = new Ledger();
        Posters posters = new Posters(s, ledger, counts);
        vertx.deployVerticle(posters).await(120, TimeUnit.SECONDS);
        posters.posting(true);
        List<PushViewers> pushes = new ArrayList<>();
        for (int i = 0; i < s.loops(); i++) {
            int from = s.viewers() * i / s.loops();
            int to = s.viewers() * (i + 1) / s.loops();
            if ("pull".equals(s.mode())) {
                vertx.deployVerticle(new PullViewers(s, counts, ledger, from, to, Math.max(1, s.connections() / s.loops())))
                        .await(30, TimeUnit.SECONDS);
            } else {
                PushViewers p = new PushViewers(s, counts, to - from, i == 0);
                pushes.add(p);
                vertx.deployVerticle(p).await(30, TimeUnit.SECONDS);
            }
        }
        Thread.sleep(s.warmupS() * 1000L);
        Snapshot a = snapshot(s, counts);
        Thread.sleep(s.measureS() * 1000L);
        Snapshot b = snapshot(s, counts);
        posters.posting(false);
        Thread.sleep(s.drainS() * 1000L);
        long openAtEnd = pushes.stream().mapToLong(p -> p.open.sum()).sum();
        vertx.close().await(30, TimeUnit.SECONDS);
        return report(s, a, b, ledger, posters, pushes, openAtEnd);
    }

    private static Map<String, String> report(Settings s, Snapshot a, Snapshot b, Ledger ledger, Posters posters,
                                              List<PushViewers> pushes, long openAtEnd) {
        double secs = (b.ms() - a.ms()) / 1000.0;
        double hz = s.clkTck();
        Map<String, String> r = new LinkedHashMap<>();
        r.put("label", s.label().isEmpty() ? "-" : s.label().replace(',', ';').replace(' ', '_'));
        r.put("mode", s.mode());
        r.put("viewers", Integer.toString(s.viewers()));
        r.put("seconds", f(secs));
        long viewerOk = 0;
        long viewerFailed = 0;
        long skipped = 0;
        for (Counts.Kind k : Counts.Kind.values()) {
            if (k != Counts.Kind.PROBE && k != Counts.Kind.EDGE_PROBE) {
                viewerOk += Counts.ok(b.counts(), k) - Counts.ok(a.counts(), k);
                viewerFailed += Counts.failed(b.counts(), k) - Counts.failed(a.counts(), k);
                skipped += Counts.skipped(b.counts(), k) - Counts.skipped(a.counts(), k);
            }
        }
        r.put("viewer_req_s", f(viewerOk / secs));
        r.put("viewer_failed", Long.toString(viewerFailed));
        r.put("viewer_skipped", Long.toString(skipped));
        StringBuilder why = new StringBuilder();
        for (Counts.Kind k : Counts.Kind.values()) {
            long f = Counts.failed(b.counts(), k) - Counts.failed(a.counts(), k);
            long sk = Counts.skipped(b.counts(), k) - Counts.skipped(a.counts(), k);
            if (f + sk > 0) {
                why.append(why.length() == 0 ? "" : ";").append(k.name().toLowerCase(Locale.ROOT)).append(':').append(f).append('/').append(sk);
            }
        }
        r.put("failed_skipped_by_kind", why.length() == 0 ? "-" : why.toString());
        for (Counts.Kind k : List.of(Counts.Kind.PLAYLIST, Counts.Kind.SEGMENT, Counts.Kind.INDEX, Counts.Kind.WINDOW)) {
            r.put(k.name().toLowerCase(Locale.ROOT) + "_ok_s", f((Counts.ok(b.counts(), k) - Counts.ok(a.counts(), k)) / secs));
        }
        r.put("client_mbit_s", f((Counts.bytes(b.counts()) - Counts.bytes(a.counts())) * 8 / 1e6 / secs));
        long probes = Counts.ok(b.counts(), Counts.Kind.PROBE) + Counts.failed(b.counts(), Counts.Kind.PROBE)
                - Counts.ok(a.counts(), Counts.Kind.PROBE) - Counts.failed(a.counts(), Counts.Kind.PROBE);
        if (a.routes() == null || b.routes() == null) { // the origin's metrics listener did not answer within 10 s
            r.put("origin_live_req_s", "-");
            r.put("origin_api_req_s", "-");
        } else {
            double live = b.routes().getOrDefault("live", 0.0) - a.routes().getOrDefault("live", 0.0) - probes;
            double api = b.routes().getOrDefault("api", 0.0) - a.routes().getOrDefault("api", 0.0);
            r.put("origin_live_req_s", f(live / secs));
            r.put("origin_api_req_s", f(api / secs));
        }
        r.put("origin_cpu", f((b.originTicks() - a.originTicks()) / hz / secs));
        r.put("origin_wchar_mbit_s", f((b.originBytes() - a.originBytes()) * 8 / 1e6 / secs));
        r.put("origin_threads", originThreads(a, b, hz, secs));
        r.put("nginx_cpu", f((b.nginxTicks() - a.nginxTicks()) / hz / secs));
        r.put("client_cpu", f((b.selfTicks() - a.selfTicks()) / hz / secs));
        long busy = b.machine()[0] - a.machine()[0];
        long total = b.machine()[1] - a.machine()[1];
        r.put("machine_busy_pct", f(100.0 * busy / Math.max(1, total)));
        double[] lat = posters.latency(a.ms(), b.ms());
        r.put("posts_s", f(lat[0] / secs));
        r.put("accepted_s", f(lat[1] / secs));
        r.put("post_p50_ms", f(lat[2]));
        r.put("post_p99_ms", f(lat[3]));
        r.put("post_max_ms", f(lat[4]));
        r.put("refusals", posters.refusals().toString().replace(", ", ";").replace(' ', '_').replace(',', ';'));
        if ("pull".equals(s.mode())) {
            Ledger.Check c = ledger.check();
            r.put("accepted", Integer.toString(c.accepted()));
            r.put("exactly_once", Integer.toString(c.once()));
            r.put("missing", Integer.toString(c.missing()));
            r.put("duplicated", Integer.toString(c.duplicated()));
            r.put("wrong_window", Integer.toString(c.wrongWindow()));
            r.put("window_not_fetched", Integer.toString(c.unfetched()));
            r.put("changed_objects", Long.toString(c.changedFetches()));
        } else {
            pushCheck(r, ledger, pushes, b.ms());
        }
        List<Long> edge = ledger.delays(false, a.ms(), b.ms());
        List<Long> origin = ledger.delays(true, a.ms(), b.ms());
        r.put("edge_delay_p50_ms", pct(edge, 0.5));
        r.put("edge_delay_max_ms", pct(edge, 1.0));
        int[] at1s = ledger.fetchableAt1s(a.ms(), b.ms());
        r.put("edge_1s_fetchable", at1s[0] + "/" + at1s[1]);
        r.put("origin_delay_p50_ms", pct(origin, 0.5));
        r.put("origin_delay_max_ms", pct(origin, 1.0));
        r.put("streams_open", Long.toString(openAtEnd));
        r.put("streams_refused", pushes.stream().flatMap(p -> p.refused.entrySet().stream())
                .map(e -> e.getKey() + ":" + e.getValue().sum()).reduce((x, y) -> x + ";" + y).orElse("0"));
        r.put("pushed_comments_s", f((Counts.pushed(b.counts()) - Counts.pushed(a.counts())) / secs));
        return r;
    }

    /** The origin's five busiest thread groups in the window, in cores: {@code name:0.123;...}. */
    private static String originThreads(Snapshot a, Snapshot b, double hz, double secs) {
        return b.originThreads().entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - a.originThreads().getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5)
                .map(e -> e.getKey().replace(' ', '_').replace(',', '_').replace(';', '_') + ":" + f(e.getValue() / hz / secs))
                .reduce((x, y) -> x + ";" + y).orElse("-");
    }

    /** Sampled push viewers: every post accepted while they were connected (a second's slack each side) seen exactly once. */
    private static void pushCheck(Map<String, String> r, Ledger ledger, List<PushViewers> pushes, long untilMs) {
        int checked = 0;
        int once = 0;
        int missing = 0;
        int dup = 0;
        for (PushViewers p : pushes) {
            for (PushViewers.Sample sample : p.samples) {
                if (sample.openedMs == 0) {
                    continue;
                }
                for (Ledger.Accepted acc : ledger.accepted.values()) {
                    if (acc.answeredMs() > sample.openedMs + 1000 && acc.answeredMs() < untilMs) {
                        checked++;
                        int n = sample.seen.getOrDefault(acc.id(), 0);
                        if (n == 1) {
                            once++;
                        } else if (n == 0) {
                            missing++;
                        } else {
                            dup++;
                        }
                    }
                }
            }
        }
        r.put("accepted", Integer.toString(ledger.accepted.size()));
        r.put("exactly_once", once + "/" + checked);
        r.put("missing", Integer.toString(missing));
        r.put("duplicated", Integer.toString(dup));
        r.put("wrong_window", "-");
        r.put("window_not_fetched", "-");
        r.put("changed_objects", "-");
    }

    private static String pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return "-";
        }
        return Long.toString(sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * p) - (p > 0 ? 1 : 0))));
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }
}
