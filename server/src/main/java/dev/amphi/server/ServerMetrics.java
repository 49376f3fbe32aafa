package dev.amphi.server;

import dev.amphi.core.room.RoomRegistry;
import dev.amphi.ingest.rtmp.RtmpListener;
import dev.amphi.ingest.rtmp.RtmpListener.Refusal;
import dev.amphi.transcode.ProgramStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The server's Micrometer registry (scraped as Prometheus text at {@code /metrics}): JVM and
 * process metrics, RTMP connections, bytes and errors (as an {@link RtmpListener}, called on Netty
 * event loops: counters only), fan-out drops per room, live rooms and HTTP requests.
 */
final class ServerMetrics implements RtmpListener, AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final Counter connections;
    private final Counter bytes;
    private final Counter errors;
    private final Counter refused;
    private final Counter publishes;
    private final Map<Refusal, Counter> refusals = new EnumMap<>(Refusal.class);
    private final AtomicInteger openHttp = new AtomicInteger();
    private final HttpTimeouts.Listener httpConnections;

    ServerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        Gauge.builder("amphi.rtmp.connections.open", openConnections, AtomicInteger::get)
                .description("RTMP connections open now").register(registry);
        connections = Counter.builder("amphi.rtmp.connections").description("RTMP connections accepted").register(registry);
        bytes = Counter.builder("amphi.rtmp.received").baseUnit("bytes").description("Bytes received from RTMP clients").register(registry);
        errors = Counter.builder("amphi.rtmp.protocol.errors").description("RTMP connections closed for bad input").register(registry);
        refused = Counter.builder("amphi.rtmp.connections.refused")
                .description("RTMP connections closed before their handshake because a connection limit was reached").register(registry);
        publishes = Counter.builder("amphi.rtmp.publishes").description("Publish sessions started").register(registry);
        for (Refusal r : Refusal.values()) { // wrong-key, refused, throttled, failed
            refusals.put(r, Counter.builder("amphi.rtmp.publish.refused")
                    .tags("reason", r.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                    .description("Publish attempts refused: a wrong stream key, refused by the room (full, bad speaker name, "
                            + "name already live), throttled after too many wrong keys from the address, or the server failed")
                    .register(registry));
        }
        httpConnections = httpConnectionMeters();
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Prometheus text exposition of every meter. */
    String scrape() {
        return registry.scrape();
    }

    void bindRooms(RoomRegistry rooms, RoomPublishing publishing, IntSupplier activePublishers) {
        // gauges hold their object weakly unless told otherwise: a method reference held by nobody else
        // is collected, and the gauge reads NaN from then on
        Gauge.builder("amphi.rooms.live", rooms, r -> r.liveRooms().size()).strongReference(true)
                .description("Rooms live now").register(registry);
        Gauge.builder("amphi.rtmp.publishers", activePublishers, IntSupplier::getAsInt).strongReference(true)
                .description("RTMP publishers publishing now").register(registry);
        for (RoomPublishing.RoomStream s : publishing.streams()) {
            FunctionCounter.builder("amphi.fanout.dropped", s.toOrigin, sub -> sub.droppedVideo())
                    .tags("room", s.room.name(), "kind", "video").description("Packets dropped before the HLS origin because it fell behind")
                    .register(registry);
            FunctionCounter.builder("amphi.fanout.dropped", s.toOrigin, sub -> sub.droppedAudio())
                    .tags("room", s.room.name(), "kind", "audio").description("Packets dropped before the HLS origin because it fell behind")
                    .register(registry);
        }
    }

    /** Program API event streams (Server-Sent Events) open now, over all rooms. */
    void bindProgramApi(dev.amphi.core.api.ProgramApi api) {
        Gauge.builder("amphi.api.event.streams", api, dev.amphi.core.api.ProgramApi::openEventStreams).strongReference(true)
                .description("Program event streams (Server-Sent Events) open now").register(registry);
    }

    /**
     * Per composited room: program frames (and those late against the wall clock), tile video
     * frames dropped because decoding fell behind or shed under overload, program frames the ladder
     * dropped, packets of hidden speakers skipped before the decoder, audio dropped (should stay 0),
     * the shed level, speakers and visible tiles. They restart from 0
     * when a room's program restarts (a counter reset to Prometheus).
     */
    void bindPrograms(java.util.List<ProgramRoom> rooms) {
        for (ProgramRoom p : rooms) {
            String room = p.room().name();
            programCounter("amphi.program.frames", "Program frames produced", p, room, ProgramStats::frames);
            programCounter("amphi.program.frames.late", "Program frames produced more than a frame late", p, room,
                    ProgramStats::lateFrames);
            programCounter("amphi.program.video.dropped", "Speaker video frames dropped because decoding fell behind", p, room,
                    ProgramStats::droppedVideo);
            programCounter("amphi.program.video.hidden", "Video packets of speakers without a tile skipped before decoding", p,
                    room, ProgramStats::hiddenVideoDrops);
            programCounter("amphi.program.audio.dropped", "Speaker audio packets dropped", p, room, ProgramStats::droppedAudio);
            programCounter("amphi.program.video.shed", "Tile pictures not decoded or not shown because the program was overloaded",
                    p, room, ProgramStats::shedVideo);
            programCounter("amphi.program.ladder.dropped", "Program frames the ladder dropped because an encoder fell behind",
                    p, room, ProgramStats::ladderDrops);
            programCounter("amphi.program.audio.decoded", "Speaker audio frames decoded", p, room, ProgramStats::decodedAudio);
            programCounter("amphi.program.audio.silent.skipped",
                    "Speaker audio packets not decoded because the sender's audio level said silence (WebRTC)", p, room,
                    ProgramStats::silentAudioSkips);
            programCounter("amphi.program.decode.errors", "Speaker video and audio packets that could not be decoded", p, room,
                    ProgramStats::decodeErrors);
            programCounter("amphi.interactive.frames", "Frames of the interactive rendition (the program back to WebRTC speakers) encoded",
                    p, room, s -> s.interactive().framesEncoded());
            programCounter("amphi.interactive.keyframes.forced", "Keyframes of the interactive rendition forced by speakers' requests",
                    p, room, s -> s.interactive().keyframesForced());
            programCounter("amphi.interactive.mixes", "Opus frames encoded over all mix-minus mixes", p, room,
                    s -> s.interactive().mixesEncoded());
            programCounter("amphi.interactive.subscriber.drops", "Interactive packets dropped because a speaker's connection fell behind",
                    p, room, s -> s.interactive().subscriberDrops());
            Gauge.builder("amphi.interactive.subscribers", p, r -> r.stats().map(s -> s.interactive().subscribers()).orElse(0))
                    .tags("room", room).description("Connections receiving the interactive rendition").register(registry);
            Gauge.builder("amphi.program.shed.level", p, r -> r.stats().map(ProgramStats::shedLevel).orElse(0))
                    .tags("room", room).description("Tile work shed now: 0 none, 1 non-reference pictures, 2 half rate, 3 keyframes only")
                    .register(registry);
            Gauge.builder("amphi.program.speakers", p, r -> r.stats().map(ProgramStats::speakers).orElse(0))
                    .tags("room", room).description("Speakers in the room's program").register(registry);
            Gauge.builder("amphi.program.tiles", p, r -> r.stats().map(ProgramStats::visibleSpeakers).orElse(0))
                    .tags("room", room).description("Speakers with a tile in the room's program").register(registry);
        }
    }

    /** WebRTC sessions and the UDP port's counters. */
    /** Forgets a removed room's program meters ({@link #bindPrograms}). */
    void unbindPrograms(String room) {
        for (io.micrometer.core.instrument.Meter m : List.copyOf(registry.getMeters())) {
            String name = m.getId().getName();
            if ((name.startsWith("amphi.program.") || name.startsWith("amphi.interactive.")) && room.equals(m.getId().getTag("room"))) {
                registry.remove(m);
            }
        }
    }

    /** Webhook deliveries by outcome, and those waiting now (in flight or between tries). */
    /**
     * The watch pages' quality reports as histograms and counters over all rooms (fixed buckets:
     * memory does not grow with the audience): {@code amphi_viewer_startup_seconds},
     * {@code amphi_viewer_latency_seconds}, {@code amphi_viewer_stalls_total},
     * {@code amphi_viewer_stalled_seconds_total}, {@code amphi_viewer_rendition_switches_total},
     * {@code amphi_viewer_reports_total{result=kept|sampled_out}}.
     */
    dev.amphi.core.api.ViewerReports viewerReports() {
        io.micrometer.core.instrument.DistributionSummary startup = io.micrometer.core.instrument.DistributionSummary
                .builder("amphi.viewer.startup").baseUnit("seconds").description("Watch pages: from loading the stream to playing it")
                .serviceLevelObjectives(0.5, 1, 2, 3, 5, 8, 13, 20).register(registry);
        io.micrometer.core.instrument.DistributionSummary latency = io.micrometer.core.instrument.DistributionSummary
                .builder("amphi.viewer.latency").baseUnit("seconds").description("Watch pages: how far behind live they play, at each report")
                .serviceLevelObjectives(1, 2, 3, 4, 6, 8, 10, 15, 20, 30).register(registry);
        Counter stalls = Counter.builder("amphi.viewer.stalls").description("Watch pages: playback stalls").register(registry);
        Counter stalled = Counter.builder("amphi.viewer.stalled").baseUnit("seconds").description("Watch pages: time stalled")
                .register(registry);
        Counter switches = Counter.builder("amphi.viewer.rendition.switches").description("Watch pages: rendition switches")
                .register(registry);
        Counter kept = Counter.builder("amphi.viewer.reports").tags("result", "kept")
                .description("Watch pages' quality reports: kept, or sampled out above the rate kept").register(registry);
        Counter dropped = Counter.builder("amphi.viewer.reports").tags("result", "sampled_out").register(registry);
        return new dev.amphi.core.api.ViewerReports() {
            @Override
            public void report(String room, Report r) {
                kept.increment();
                r.startupMs().ifPresent(ms -> startup.record(ms / 1000.0));
                r.latency().ifPresent(latency::record);
                stalls.increment(r.stalls());
                stalled.increment(r.stalledMs() / 1000.0);
                switches.increment(r.switches());
            }

            @Override
            public void sampledOut() {
                dropped.increment();
            }
        };
    }

    void bindWebhooks(dev.amphi.core.hooks.Webhooks hooks) {
        String name = "amphi.webhook.deliveries";
        FunctionCounter.builder(name, hooks, dev.amphi.core.hooks.Webhooks::delivered).tags("result", "delivered")
                .description("Webhook deliveries: delivered (2xx), retried (a try failed), failed (given up), dropped (too many waiting)")
                .register(registry);
        FunctionCounter.builder(name, hooks, dev.amphi.core.hooks.Webhooks::retried).tags("result", "retried").register(registry);
        FunctionCounter.builder(name, hooks, dev.amphi.core.hooks.Webhooks::failed).tags("result", "failed").register(registry);
        FunctionCounter.builder(name, hooks, dev.amphi.core.hooks.Webhooks::dropped).tags("result", "dropped").register(registry);
        Gauge.builder("amphi.webhook.pending", hooks, dev.amphi.core.hooks.Webhooks::pending).strongReference(true)
                .description("Webhook deliveries in flight or waiting for their next try").register(registry);
    }

    void bindWebRtc(WebRtcSpeakers webrtc) {
        if (!webrtc.enabled()) {
            return;
        }
        Gauge.builder("amphi.webrtc.sessions", webrtc, w -> w.sessions(true)).tags("kind", "speaker")
                .description("Open WebRTC sessions").register(registry);
        Gauge.builder("amphi.webrtc.sessions", webrtc, w -> w.sessions(false)).tags("kind", "listener")
                .description("Open WebRTC sessions").register(registry);
        webrtcCounter(webrtc, "amphi.webrtc.packets", "RTP and RTCP packets", "direction", "in", PeerTotals.Total.PACKETS_IN);
        webrtcCounter(webrtc, "amphi.webrtc.packets", "RTP and RTCP packets", "direction", "out", PeerTotals.Total.PACKETS_OUT);
        webrtcCounter(webrtc, "amphi.webrtc.bytes", "RTP and RTCP bytes", "direction", "in", PeerTotals.Total.BYTES_IN);
        webrtcCounter(webrtc, "amphi.webrtc.bytes", "RTP and RTCP bytes", "direction", "out", PeerTotals.Total.BYTES_OUT);
        webrtcCounter(webrtc, "amphi.webrtc.lost", "RTP packets from WebRTC speakers never received", null, null, PeerTotals.Total.LOST);
        webrtcCounter(webrtc, "amphi.webrtc.nacks", "Generic NACKs", "direction", "sent", PeerTotals.Total.NACKS_SENT);
        webrtcCounter(webrtc, "amphi.webrtc.nacks", "Generic NACKs", "direction", "received", PeerTotals.Total.NACKS_RECEIVED);
        webrtcCounter(webrtc, "amphi.webrtc.retransmits", "RTP retransmissions", "direction", "sent",
                PeerTotals.Total.RETRANSMITS_SENT);
        webrtcCounter(webrtc, "amphi.webrtc.retransmits", "RTP retransmissions", "direction", "received",
                PeerTotals.Total.RETRANSMITS_RECEIVED);
        webrtcCounter(webrtc, "amphi.webrtc.keyframe.requests", "Keyframe requests (PLI, FIR)", "direction", "sent",
                PeerTotals.Total.PLIS_SENT);
        webrtcCounter(webrtc, "amphi.webrtc.keyframe.requests", "Keyframe requests (PLI, FIR)", "direction", "received",
                PeerTotals.Total.KEYFRAME_REQUESTS_RECEIVED);
        webrtcCounter(webrtc, "amphi.webrtc.nack.skipped",
                "Lost packets from WebRTC speakers not asked for again: the stream's NACK budget (a quarter of its packets) was spent",
                null, null, PeerTotals.Total.NACKS_SKIPPED);
        FunctionCounter.builder("amphi.webrtc.socket.drops", webrtc, w -> w.transport().socketDrops())
                .description("Datagrams the kernel dropped on the WebRTC port's sockets: their readers fell behind or the"
                        + " receive buffer is too small (net.core.rmem_max); read from /proc/net/udp every 5 s, Linux only")
                .register(registry);
        FunctionCounter.builder("amphi.webrtc.send.queue.drops", webrtc, w -> w.transport().sendQueueDrops())
                .description("Datagrams to WebRTC peers not sent because their socket's send queue was full (its event loop"
                        + " stalled)")
                .register(registry);
        FunctionCounter.builder("amphi.webrtc.datagrams.dropped", webrtc, w -> w.transport().droppedDatagrams())
                .description("Datagrams on the WebRTC port dropped before reaching a peer (oversize, unknown source, malformed)")
                .register(registry);
    }

    private void webrtcCounter(WebRtcSpeakers webrtc, String name, String description, String tag, String value,
                               PeerTotals.Total which) {
        FunctionCounter.Builder<WebRtcSpeakers> b = FunctionCounter.builder(name, webrtc, w -> w.total(which)).description(description);
        if (tag != null) {
            b.tags(tag, value);
        }
        b.register(registry);
    }

    private void programCounter(String name, String description, ProgramRoom p, String room,
                                java.util.function.ToLongFunction<ProgramStats> value) {
        FunctionCounter.builder(name, p, r -> r.stats().map(value::applyAsLong).orElse(0L))
                .tags("room", room).description(description).register(registry);
    }

    /**
     * Records one finished HTTP request; {@code route} is a small fixed set (live, api, player, ...),
     * {@code status} the response's status code, or {@code aborted} when the connection closed before
     * the response was complete (a client that went away, a request body that never arrived, an
     * event stream that ended).
     */
    void httpRequest(String method, String route, String status, Duration elapsed) {
        Timer.builder("amphi.http.requests").description("HTTP requests served")
                .tags("method", method, "route", route, "status", status)
                .register(registry).record(elapsed);
    }

    /** The HTTP(S) listeners' connections: open now, and closed by each of the {@link HttpTimeouts}. */
    HttpTimeouts.Listener httpConnections() {
        return httpConnections;
    }

    private HttpTimeouts.Listener httpConnectionMeters() {
        Gauge.builder("amphi.http.connections.open", openHttp, AtomicInteger::get)
                .description("HTTP and HTTPS connections open now").register(registry);
        java.util.Map<HttpTimeouts.Phase, Counter> timeouts = new java.util.EnumMap<>(HttpTimeouts.Phase.class);
        for (HttpTimeouts.Phase phase : HttpTimeouts.Phase.values()) {
            timeouts.put(phase, Counter.builder("amphi.http.timeouts").tags("phase", phase.label)
                    .description("HTTP connections closed by a timeout: headers or body not complete in time, or idle between requests")
                    .register(registry));
        }
        return new HttpTimeouts.Listener() {
            @Override
            public void opened() {
                openHttp.incrementAndGet();
            }

            @Override
            public void closed() {
                openHttp.decrementAndGet();
            }

            @Override
            public void timedOut(HttpTimeouts.Phase phase) {
                timeouts.get(phase).increment();
            }
        };
    }

    @Override
    public void connectionOpened() {
        openConnections.incrementAndGet();
        connections.increment();
    }

    @Override
    public void connectionClosed() {
        openConnections.decrementAndGet();
    }

    @Override
    public void protocolError(String reason) {
        errors.increment();
    }

    @Override
    public void connectionRefused(String reason) {
        refused.increment();
    }

    @Override
    public void bytesReceived(long n) {
        bytes.increment(n);
    }

    @Override
    public void publishStarted(String streamName) {
        publishes.increment();
    }

    @Override
    public void publishRefused(Refusal why) {
        refusals.get(why).increment();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
