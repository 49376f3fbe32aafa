package dev.amphi.bench.audience;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The posting load and the origin's publish probe, on one event loop. Comments go straight to the
 * origin's API at {@code postRate} a second, round-robin over {@code tokens} viewer tokens and
 * {@code postAddresses} source addresses (127.0.1.1, 127.0.1.2, ...: the origin's flood control
 * counts per viewer and per address, and one benchmark client must not look like one flooding
 * viewer). A post's {@code at} is a playhead {@code now - latency}. Every answer's time is kept;
 * a 201's id and window go to the {@link Ledger}. The probe asks the origin every 50 ms for the
 * newest window that has ended and records when it first answered 200; and asks the edge once for
 * each window, 1 s after its end, whether it serves it.
 */
final class Posters extends AbstractVerticle {

    private final Settings s;
    private final Ledger ledger;
    private final Counts counts;
    private final List<HttpClientAgent> clients = new ArrayList<>();
    private HttpClientAgent probe;
    private HttpClientAgent edgeProbe;
    private long edgeK = Long.MIN_VALUE;
    private final List<String> tokens = new ArrayList<>();
    private final Random random = new Random(7);
    /** {sent at epoch ms, latency ns, status} of every answered post. */
    private final List<long[]> answers = new ArrayList<>();
    private final Map<String, Integer> refusals = new TreeMap<>();
    private volatile boolean posting;
    private long startedNs;
    private long sent;
    private long probeK = Long.MIN_VALUE;
    private boolean probeBusy;

    Posters(Settings s, Ledger ledger, Counts counts) {
        this.s = s;
        this.ledger = ledger;
        this.counts = counts;
    }

    @Override
    public void start(Promise<Void> done) {
        for (int i = 0; i < s.postAddresses(); i++) {
            clients.add(vertx.createHttpClient(new HttpClientOptions().setDefaultHost(s.origin().getHost())
                    .setDefaultPort(s.origin().getPort()).setKeepAlive(true).setTcpNoDelay(true)
                    .setLocalAddress("127.0.1." + (i + 1)), new PoolOptions().setHttp1MaxSize(8)));
        }
        probe = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(s.origin().getHost())
                .setDefaultPort(s.origin().getPort()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(2));
        edgeProbe = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(s.edge().getHost())
                .setDefaultPort(s.edge().getPort()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(2));
        fetchTokens(0).onComplete(ar -> {
            if (ar.failed()) {
                done.fail(ar.cause());
                return;
            }
            vertx.setPeriodic(10, id -> post());
            vertx.setPeriodic(50, id -> probe());
            done.complete();
        });
    }

    @Override
    public void stop() {
        clients.forEach(HttpClientAgent::close);
        probe.close();
        edgeProbe.close();
    }

    private Future<Void> fetchTokens(int from) {
        if (from >= s.tokens()) {
            return Future.succeededFuture();
        }
        List<Future<Buffer>> batch = new ArrayList<>();
        for (int i = from; i < Math.min(s.tokens(), from + 50); i++) {
            batch.add(send(clients.get(i % clients.size()), "/api/rooms/" + s.room() + "/viewer-token", null, "{}").compose(r -> {
                if (r.status != 201) {
                    return Future.failedFuture("viewer-token: HTTP " + r.status + " " + r.body);
                }
                tokens.add(new JsonObject(r.body).getString("token"));
                return Future.succeededFuture(r.body);
            }));
        }
        return Future.all(batch).compose(x -> fetchTokens(from + 50));
    }

    private record Answer(int status, Buffer body) {
    }

    private Future<Answer> send(HttpClientAgent c, String uri, String token, String json) {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setURI(uri).setIdleTimeout(15_000)
                .putHeader("Content-Type", "application/json");
        if (token != null) {
            o.putHeader("Authorization", "Viewer " + token);
        }
        return c.request(o).compose(req -> req.send(json).compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), b))));
    }

    /** Starts (true) or stops posting; the rate counts from the start. */
    void posting(boolean on) {
        context.runOnContext(x -> {
            if (on && !posting) {
                startedNs = System.nanoTime();
                sent = 0;
            }
            posting = on;
        });
    }

    private void post() {
        if (!posting) {
            return;
        }
        long due = (long) ((System.nanoTime() - startedNs) / 1e9 * s.postRate());
        while (sent < due) {
            long i = sent++;
            long now = System.currentTimeMillis();
            long at = now - s.latencyMinMs() - (long) (random.nextDouble() * (s.latencyMaxMs() - s.latencyMinMs()));
            String json = new JsonObject().put("text", "bench " + i + " 👏").put("mode", "scroll").put("color", "#ffffff")
                    .put("at", at).encode();
            long t0 = System.nanoTime();
            send(clients.get((int) (i % clients.size())), "/api/rooms/" + s.room() + "/comments", tokens.get((int) (i % tokens.size())), json)
                    .onComplete(ar -> {
                        long ns = System.nanoTime() - t0;
                        if (ar.failed()) {
                            answered(new long[] {now, ns, -1}, "error " + ar.cause().getClass().getSimpleName());
                            return;
                        }
                        Answer a = ar.result();
                        answered(new long[] {now, ns, a.status}, null);
                        if (a.status == 201) {
                            JsonObject j = new JsonObject(a.body);
                            ledger.accepted.put(j.getString("id"), new Ledger.Accepted(j.getString("id"), j.getLong("window", -1L),
                                    System.currentTimeMillis()));
                        } else {
                            String rule = a.body.toString().contains("\"rule\"") ? new JsonObject(a.body).getString("rule", "?") : "?";
                            answered(null, a.status + " " + rule);
                        }
                    });
        }
    }

    private synchronized void answered(long[] answer, String refusal) {
        if (answer != null) {
            answers.add(answer);
        }
        if (refusal != null) {
            refusals.merge(refusal, 1, Integer::sum);
        }
    }

    private void probe() {
        if (probeBusy) {
            return;
        }
        long len = ledger.windowLength;
        long now = System.currentTimeMillis();
        String base = "/live/" + s.room() + "/comments/";
        probeBusy = true;
        if (len <= 0) {
            Http.get(probe, counts, Counts.Kind.PROBE, base + "index.json", 0)
                    .onSuccess(b -> ledger.windowLength = new JsonObject(b).getLong("length", 0L))
                    .onComplete(ar -> vertx.setTimer(1000, t -> probeBusy = false));
            return;
        }
        if (probeK == Long.MIN_VALUE) {
            probeK = Math.floorDiv(now, len);
            edgeK = probeK;
        }
        if (now >= (edgeK + 1) * len + 1000) { // once, so no early 404 is kept by the edge
            long k = edgeK++;
            Http.get(edgeProbe, counts, Counts.Kind.EDGE_PROBE, base + k + ".json", 1024)
                    .onComplete(ar -> ledger.edgeAt1s.put(k, ar.succeeded()));
        }
        if (now < (probeK + 1) * len) {
            probeBusy = false;
            return;
        }
        long k = probeK;
        Http.get(probe, counts, Counts.Kind.PROBE, base + k + ".json", 0).onSuccess(b -> {
            ledger.originFirstOk.putIfAbsent(k, System.currentTimeMillis());
            probeK = k + 1;
        }).onComplete(ar -> probeBusy = false);
    }

    /** Posts sent and answered so far, and the answers of posts sent in [fromMs, toMs): {count, 201s, p50 ms, p99 ms, max ms}. */
    double[] latency(long fromMs, long toMs) {
        List<Long> ns = new ArrayList<>();
        long created = 0;
        synchronized (this) {
            for (long[] a : answers) {
                if (a[0] >= fromMs && a[0] < toMs) {
                    ns.add(a[1]);
                    if (a[2] == 201) {
                        created++;
                    }
                }
            }
        }
        ns.sort(null);
        if (ns.isEmpty()) {
            return new double[] {0, 0, Double.NaN, Double.NaN, Double.NaN};
        }
        return new double[] {ns.size(), created, ns.get((int) (ns.size() * 0.50)) / 1e6,
                ns.get(Math.min(ns.size() - 1, (int) Math.ceil(ns.size() * 0.99) - 1)) / 1e6, ns.get(ns.size() - 1) / 1e6};
    }

    synchronized Map<String, Integer> refusals() {
        return new TreeMap<>(refusals);
    }
}
