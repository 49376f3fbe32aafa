package dev.amphi.bench.audience;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A group of viewers that behave as the watch page does, on one event loop with one pooled client:
 * the master playlist once; every segment duration each media playlist (video and audio) and every
 * segment new in it (the first {@code segmentBytes} of it, or all), the init segments once; every
 * second the comment index, then each window from the playhead's reach ({@code P - 5000 - length})
 * to {@code latest} not fetched yet, each once. A viewer's playhead is {@code now - latency}, its
 * latency drawn between the settings' bounds. Every {@code checkEvery}-th viewer fetches whole comment
 * windows and hands them to the {@link Ledger}; the others ask with HEAD (the edge fetches and caches
 * the whole object on its miss all the same; at 1,000 comments a second a window is ~300 KB, and
 * loopback bandwidth and the client's CPU, not the origin, would otherwise be what is measured).
 * A viewer still waiting for its last playlist or index skips that turn (counted as skipped: the
 * client could not keep up).
 */
final class PullViewers extends AbstractVerticle {

    private static final Pattern MAP_URI = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"");
    private static final Pattern ANY_URI = Pattern.compile("URI=\"([^\"]+)\"");
    private static final int TICK_MS = 50;
    /** How far behind its playhead the page still shows a comment (the player's comment-timing.js). */
    private static final long LATE_MS = 5000;

    private static final class Viewer {
        final int id;
        final long latencyMs;
        boolean masterBusy;
        String[] playlists; // video, then audio when the master names one
        long[] lastMsn;
        boolean[] busy;
        boolean[] initDone;
        boolean indexBusy;
        long nextK = Long.MIN_VALUE;

        Viewer(int id, long latencyMs) {
            this.id = id;
            this.latencyMs = latencyMs;
        }
    }

    private final Settings s;
    private final Counts counts;
    private final Ledger ledger;
    private final int from;
    private final int to;
    private final int connections;
    private HttpClientAgent http;
    private Viewer[] viewers;
    private long tick;
    private long segmentTicks = 40;

    PullViewers(Settings s, Counts counts, Ledger ledger, int from, int to, int connections) {
        this.s = s;
        this.counts = counts;
        this.ledger = ledger;
        this.from = from;
        this.to = to;
        this.connections = connections;
    }

    @Override
    public void start() {
        http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(s.edge().getHost()).setDefaultPort(s.edge().getPort())
                .setKeepAlive(true).setKeepAliveTimeout(60).setTcpNoDelay(true), new PoolOptions().setHttp1MaxSize(connections));
        Random r = new Random(from);
        viewers = new Viewer[to - from];
        for (int i = from; i < to; i++) {
            viewers[i - from] = new Viewer(i, s.latencyMinMs() + (long) (r.nextDouble() * (s.latencyMaxMs() - s.latencyMinMs())));
        }
        vertx.setPeriodic(TICK_MS, id -> tick());
    }

    @Override
    public void stop() {
        http.close();
    }

    private void tick() {
        long t = tick++;
        for (Viewer v : viewers) {
            if ((v.id + t) % (1000 / TICK_MS) == 0) {
                index(v);
            }
            if ((v.id + t) % segmentTicks == 0) {
                media(v);
            }
        }
    }

    private String live(String rest) {
        return "/live/" + s.room() + "/" + rest;
    }

    private void media(Viewer v) {
        if (v.playlists == null) {
            if (!v.masterBusy) {
                v.masterBusy = true;
                Http.get(http, counts, Counts.Kind.MASTER, live("master.m3u8"), 0)
                        .onSuccess(b -> master(v, b.toString()))
                        .onComplete(ar -> v.masterBusy = false);
            } else {
                counts.skipped.get(Counts.Kind.MASTER).increment();
            }
            return;
        }
        for (int track = 0; track < v.playlists.length; track++) {
            follow(v, track);
        }
    }

    private void master(Viewer v, String text) {
        String video = null;
        String audio = null;
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.startsWith("#EXT-X-MEDIA:") && line.contains("TYPE=AUDIO")) {
                Matcher m = ANY_URI.matcher(line);
                if (m.find() && audio == null) {
                    audio = m.group(1);
                }
            } else if (!line.isEmpty() && !line.startsWith("#") && video == null) {
                video = line;
            }
        }
        if (video == null) {
            return;
        }
        v.playlists = audio == null ? new String[] {live(video)} : new String[] {live(video), live(audio)};
        v.lastMsn = new long[v.playlists.length];
        java.util.Arrays.fill(v.lastMsn, -1);
        v.busy = new boolean[v.playlists.length];
        v.initDone = new boolean[v.playlists.length];
    }

    private void follow(Viewer v, int track) {
        if (v.busy[track]) {
            counts.skipped.get(Counts.Kind.PLAYLIST).increment();
            return;
        }
        v.busy[track] = true;
        String playlist = v.playlists[track];
        String dir = playlist.substring(0, playlist.lastIndexOf('/') + 1);
        Http.get(http, counts, Counts.Kind.PLAYLIST, playlist, 0).compose(b -> {
            List<Supplier<Future<?>>> steps = new ArrayList<>();
            long seq = 0;
            String init = null;
            List<String> segs = new ArrayList<>();
            for (String line : b.toString().split("\n")) {
                line = line.strip();
                if (line.startsWith("#EXT-X-TARGETDURATION:")) {
                    segmentTicks = Math.max(1, Long.parseLong(line.substring(22).strip()) * 1000 / TICK_MS);
                } else if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                    seq = Long.parseLong(line.substring(22).strip());
                } else if (line.startsWith("#EXT-X-MAP:")) {
                    Matcher m = MAP_URI.matcher(line);
                    init = m.find() ? m.group(1) : null;
                } else if (!line.isEmpty() && !line.startsWith("#")) {
                    segs.add(line);
                }
            }
            if (init != null && !v.initDone[track]) {
                String uri = dir + init;
                steps.add(() -> Http.get(http, counts, Counts.Kind.INIT, uri, 0).onSuccess(x -> v.initDone[track] = true));
            }
            long first = v.lastMsn[track] < 0 ? seq + Math.max(0, segs.size() - 2) : v.lastMsn[track] + 1;
            for (long msn = Math.max(first, seq); msn < seq + segs.size(); msn++) {
                String uri = dir + segs.get((int) (msn - seq));
                long m = msn;
                steps.add(() -> Http.get(http, counts, Counts.Kind.SEGMENT, uri, s.segmentBytes()).onSuccess(x -> v.lastMsn[track] = m));
            }
            return Http.inOrder(steps);
        }).onComplete(ar -> v.busy[track] = false);
    }

    private void index(Viewer v) {
        if (v.indexBusy) {
            counts.skipped.get(Counts.Kind.INDEX).increment();
            return;
        }
        v.indexBusy = true;
        Http.get(http, counts, Counts.Kind.INDEX, live("comments/index.json"), 0).compose(b -> windows(v, b))
                .onComplete(ar -> v.indexBusy = false);
    }

    private Future<?> windows(Viewer v, Buffer body) {
        JsonObject index = new JsonObject(body);
        long len = index.getLong("length", 0L);
        Long latest = index.getLong("latest");
        Long oldest = index.getLong("oldest");
        if (len <= 0 || latest == null) {
            return Future.succeededFuture();
        }
        ledger.windowLength = len;
        long playhead = System.currentTimeMillis() - v.latencyMs;
        long k0 = -Math.floorDiv(-(playhead - LATE_MS - len), len); // the page's reach: ceil((P - 5000 - length) / length)
        if (v.nextK > k0) {
            k0 = v.nextK;
        }
        if (oldest != null && k0 < oldest) {
            k0 = oldest;
        }
        List<Supplier<Future<?>>> steps = new ArrayList<>();
        for (long k = k0; k <= latest; k++) {
            long w = k;
            boolean whole = v.id % s.checkEvery() == 0;
            steps.add(() -> Http.get(http, counts, Counts.Kind.WINDOW, live("comments/" + w + ".json"), whole ? 0 : -1)
                    .onSuccess(b -> {
                        if (whole) {
                            ledger.window(w, b, System.currentTimeMillis());
                        } else {
                            ledger.fetched(w, System.currentTimeMillis());
                        }
                        v.nextK = Math.max(v.nextK, w + 1);
                    }));
        }
        return Http.inOrder(steps);
    }
}
