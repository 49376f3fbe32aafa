package dev.amphi.bench.speakers;

import dev.amphi.ingest.webrtc.transport.TestClientLoop;
import dev.amphi.media.MediaPacket;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Joins N light speakers to one room, over WebRTC (WHIP) or RTMP, and sends the clip from each at
 * real-time pace until stopped (SIGTERM): the first {@code --talkers} speak (the tone), the others
 * send silence. Prints {@code JOINED} when every speaker is in, then a cumulative {@code STATS} line
 * every 5 s (media sent, how late the pacers ran, what came back over WebRTC; {@code stalls}: a
 * speaker more than a second behind goes on from where it is instead of sending its backlog), which
 * {@code bench/webrtc-load.sh} reads at the start and end of its window.
 *
 * <pre>java -cp amphi-bench.jar dev.amphi.bench.speakers.SpeakerLoad --side webrtc|rtmp --speakers N
 *   --http http://127.0.0.1:8080 --rtmp-port 1935 --room NAME --key KEY --clip clip.mkv
 *   [--talkers 3] [--receivers N (WebRTC: sendrecv speakers, default all)] [--pacers 2] [--join-threads 4]</pre>
 */
public final class SpeakerLoad {

    private static final long TICK_NANOS = 2_000_000L;

    private final Clip clip;
    private final int talkers;
    private final List<Sender> senders = new CopyOnWriteArrayList<>();
    private final AtomicLong videoSent = new AtomicLong();
    private final AtomicLong audioSent = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    private final AtomicLong rejoins = new AtomicLong();
    private final AtomicLong stalls = new AtomicLong();
    private final AtomicLong lateMaxMicros = new AtomicLong();
    private volatile boolean running = true;

    private SpeakerLoad(Clip clip, int talkers) {
        this.clip = clip;
        this.talkers = talkers;
    }

    /** {@code --name value} pairs of a command line, without the dashes. */
    static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            o.put(args[i].substring(2), args[i + 1]);
        }
        return o;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        String side = o.getOrDefault("side", "webrtc");
        int n = Integer.parseInt(o.getOrDefault("speakers", "10"));
        int receivers = Integer.parseInt(o.getOrDefault("receivers", String.valueOf(n)));
        int pacers = Integer.parseInt(o.getOrDefault("pacers", "2"));
        String room = o.getOrDefault("room", "load");
        String key = o.get("key");
        Clip clip = Clip.load(Path.of(o.get("clip")));
        SpeakerLoad load = new SpeakerLoad(clip, Integer.parseInt(o.getOrDefault("talkers", "3")));
        TestClientLoop loop = side.equals("webrtc") ? new TestClientLoop("whip-speakers-reader") : null;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < pacers; p++) {
            int index = p;
            Thread t = new Thread(() -> load.pace(index, pacers), "pacer-" + p);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            load.running = false;
            load.print("STOPPED");
            load.senders.parallelStream().forEach(s -> s.speaker.close());
            if (loop != null) {
                loop.close();
            }
        }));
        long t0 = System.nanoTime();
        ExecutorService joins = Executors.newFixedThreadPool(Integer.parseInt(o.getOrDefault("join-threads", "4")));
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            String name = String.format("s%03d", i + 1);
            done.add(joins.submit(() -> {
                for (int attempt = 1; ; attempt++) { // a busy machine can miss the 10 s handshake deadline: join again, as a browser does
                    try {
                        LoadSpeaker s = side.equals("webrtc")
                                ? WhipSpeaker.join(http, o.get("http"), room, key, name, index < receivers, loop)
                                : RtmpSpeaker.join(Integer.parseInt(o.get("rtmp-port")), key, name, clip.avc, clip.aac);
                        load.senders.add(new Sender(index, s, System.nanoTime()));
                        return null;
                    } catch (Exception e) {
                        load.rejoins.incrementAndGet();
                        if (attempt == 3) {
                            throw e;
                        }
                    }
                }
            }));
        }
        int failed = 0;
        for (Future<?> f : done) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                failed++;
                System.out.println("JOIN-FAILED " + e.getCause());
            }
        }
        joins.shutdown();
        System.out.printf("JOINED speakers=%d failed=%d retried=%d seconds=%.1f%n", load.senders.size(), failed, load.rejoins.get(),
                (System.nanoTime() - t0) / 1e9);
        while (load.running) {
            Thread.sleep(5000);
            load.print("STATS");
        }
    }

    private void print(String what) {
        long rtp = 0;
        long bytes = 0;
        long nacks = 0;
        long rtx = 0;
        long dropped = 0;
        long closed = 0;
        for (Sender s : senders) {
            if (s.speaker instanceof WhipSpeaker w) {
                rtp += w.rtpReceived();
                bytes += w.rtpBytesReceived();
                nacks += w.nacksReceived();
                rtx += w.retransmitted();
                dropped += w.sendDropped();
                closed += w.dtlsClosed() ? 1 : 0;
            }
        }
        System.out.printf("%s t=%.3f speakers=%d video=%d audio=%d send_errors=%d late_max_ms=%.1f rtp_back=%d bytes_back=%d"
                        + " nacks_in=%d rtx_sent=%d send_dropped=%d dtls_closed=%d stalls=%d%n",
                what, System.currentTimeMillis() / 1000.0, senders.size(), videoSent.get(), audioSent.get(), sendErrors.get(),
                lateMaxMicros.getAndSet(0) / 1000.0, rtp, bytes, nacks, rtx, dropped, closed, stalls.get());
    }

    /** Pacer {@code index} of {@code of}: sends for the speakers whose number falls to it. */
    private void pace(int index, int of) {
        long duration = clip.duration();
        while (running) {
            long now = System.nanoTime();
            long late = 0;
            for (Sender s : senders) {
                if (s.index % of != index) {
                    continue;
                }
                long mediaNow = (now - s.start) * MediaPacket.TIMESCALE / 1_000_000_000L;
                long behind = mediaNow - (clip.video.get(s.video).dts() + s.videoLoops * duration);
                if (behind > MediaPacket.TIMESCALE) {
                    // starved for over a second (a busy machine): go on from here, as a browser whose
                    // capture stalled does, instead of sending the backlog in one burst
                    s.start += behind * 1_000_000_000L / MediaPacket.TIMESCALE;
                    mediaNow -= behind;
                    stalls.incrementAndGet();
                }
                try {
                    while (true) {
                        MediaPacket v = clip.video.get(s.video);
                        long due = v.dts() + s.videoLoops * duration;
                        if (due > mediaNow) {
                            break;
                        }
                        late = Math.max(late, mediaNow - due);
                        s.speaker.sendVideo(shift(v, s.videoLoops * duration));
                        videoSent.incrementAndGet();
                        if (++s.video == clip.video.size()) {
                            s.video = 0;
                            s.videoLoops++;
                        }
                    }
                    boolean talking = s.index < talkers;
                    List<MediaPacket> audio = s.speaker instanceof WhipSpeaker
                            ? (talking ? clip.opusTone : clip.opusSilence) : (talking ? clip.aacTone : clip.aacSilence);
                    while (true) {
                        MediaPacket a = audio.get(s.audio % audio.size());
                        if (a.dts() >= duration) { // the audio past the video's end: loop with the video
                            s.audio = 0;
                            s.audioLoops++;
                            continue;
                        }
                        long due = a.dts() + s.audioLoops * duration;
                        if (due > mediaNow) {
                            break;
                        }
                        late = Math.max(late, mediaNow - due);
                        s.speaker.sendAudio(shift(a, s.audioLoops * duration), talking);
                        audioSent.incrementAndGet();
                        if (++s.audio >= audio.size()) {
                            s.audio = 0;
                            s.audioLoops++;
                        }
                    }
                } catch (Exception e) {
                    sendErrors.incrementAndGet();
                }
            }
            long lateMicros = late * 1000 / 90;
            lateMaxMicros.accumulateAndGet(lateMicros, Math::max);
            LockSupport.parkNanos(Math.max(100_000L, TICK_NANOS - (System.nanoTime() - now)));
        }
    }

    private static MediaPacket shift(MediaPacket p, long by) {
        return by == 0 ? p : new MediaPacket(p.kind(), p.config(), p.dts() + by, p.compositionOffset(), p.keyframe(), p.data(),
                p.audioLevel());
    }

    /** One speaker and where it is in the clip (touched by its pacer only). */
    private static final class Sender {
        final int index;
        final LoadSpeaker speaker;
        long start;
        int video;
        long videoLoops;
        int audio;
        long audioLoops;

        Sender(int index, LoadSpeaker speaker, long start) {
            this.index = index;
            this.speaker = speaker;
            this.start = start;
        }
    }
}
