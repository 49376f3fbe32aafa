package dev.amphi.server;

import dev.amphi.core.room.Room;
import dev.amphi.ingest.PublishRequest;
import dev.amphi.ingest.webrtc.sdp.Answer;
import dev.amphi.ingest.webrtc.sdp.NegotiatedMedia;
import dev.amphi.ingest.webrtc.sdp.Sdp;
import dev.amphi.ingest.webrtc.sdp.SdpException;
import dev.amphi.ingest.webrtc.sdp.SdpLimits;
import dev.amphi.ingest.webrtc.sdp.ServerParameters;
import dev.amphi.ingest.webrtc.sdp.SessionDescription;
import dev.amphi.ingest.webrtc.transport.PeerListener;
import dev.amphi.ingest.webrtc.transport.PeerSession;
import dev.amphi.ingest.webrtc.transport.WebRtcTransport;
import dev.amphi.ingest.webrtc.whip.IceServer;
import dev.amphi.media.LatencyTrace;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import dev.amphi.transcode.RoomProgram;
import dev.amphi.transcode.SenderControl;
import dev.amphi.transcode.interactive.InteractiveProgram;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebRTC speakers and listeners of the composited rooms: answers WHIP offers on the one UDP port of
 * the {@link WebRtcTransport}. A session whose answer receives media is a speaker like an RTMP one
 * ({@link ProgramRoom#newSession}: the same name gets its tile back, the room's limit applies);
 * a session whose answer sends media gets the room's interactive rendition (video, and the mix
 * without the speaker's own voice) once ICE and DTLS are up. Offers are answered on the calling
 * thread (an event loop: parsing is bounded by the body limit); the speaker's admission completes
 * later, when the room's program runs.
 *
 * <p>Screen sharing: see {@link ScreenShares}.
 */
final class WebRtcSpeakers implements WebRtcSessions, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebRtcSpeakers.class);

    private final WebRtcTransport transport;
    private final Map<String, ProgramRoom> programs;
    private final List<IceServer> iceServers;
    private final Map<String, Call> calls = new ConcurrentHashMap<>();
    /** Counters of peers that closed (the open ones' are added when read), for metrics that only grow. */
    private final PeerTotals closedPeers = new PeerTotals();
    private final ScreenShares shares = new ScreenShares();

    /** @param transport the bound UDP port, or null when WebRTC is off */
    WebRtcSpeakers(WebRtcTransport transport, Map<String, ProgramRoom> programs, List<IceServer> iceServers) {
        this.transport = transport;
        this.programs = programs; // the server's live map
        this.iceServers = List.copyOf(iceServers);
    }

    @Override
    public boolean enabled() {
        return transport != null;
    }

    @Override
    public List<IceServer> iceServers() {
        return iceServers;
    }

    /** The transport, or null when WebRTC is off (metrics, tests). */
    WebRtcTransport transport() {
        return transport;
    }

    /** Open sessions (metrics, tests). */
    Collection<Call> calls() {
        return calls.values();
    }

    @Override
    public CompletionStage<Created> offer(Room room, Offer offer) {
        ProgramRoom program = programs.get(room.name());
        if (transport == null) {
            return failed(503, "WebRTC is off on this server (--webrtc-udp-port off)");
        }
        if (program == null) {
            return failed(409, "room " + room.name() + " passes its one RTMP publisher through without compositing; "
                    + "WebRTC speakers need a composited room (--room-setting " + room.name() + ".mode=composite)");
        }
        SessionDescription sdp;
        Answer answer;
        ServerParameters local = transport.serverParameters();
        try {
            sdp = Sdp.parse(offer.sdp(), SdpLimits.DEFAULTS);
            answer = Sdp.answer(sdp, local);
        } catch (SdpException e) {
            return failed(400, "bad SDP offer: " + e.getMessage());
        }
        boolean receives = answer.negotiated().media().stream().anyMatch(m -> m.direction().receives());
        boolean sends = answer.negotiated().media().stream().anyMatch(m -> m.direction().sends());
        if (!receives && !sends) {
            return failed(400, "the offer neither sends nor receives media");
        }
        if (receives) {
            String query = offer.name().map(n -> "name=" + URLEncoder.encode(n, StandardCharsets.UTF_8)).orElse("");
            PublishRequest request = new PublishRequest("live", "webrtc", offer.remote(), true, query);
            // the room's decoder asks this peer for a keyframe when a tile waits for one (browsers send one only
            // when asked), and tells it whether its tile is shown (a hidden speaker is asked for a trickle)
            PeerControl control = new PeerControl();
            return program.newSession(request, control).handle((accepted, failure) -> {
                if (failure != null) {
                    throw refusal(room, failure);
                }
                String speakerId = accepted.streamName().substring(accepted.streamName().indexOf('/') + 1);
                Call call = open(room, program, answer, local, speakerId, accepted.sink());
                control.attach(call.peer);
                if (offer.name().map(ScreenShares::isScreen).orElse(false)) {
                    shares.started(program, speakerId, call.id);
                }
                return new Created(call.id, answer.sdp());
            });
        }
        // a listener: hears the room without their own voice when they say which speaker they are
        Optional<String> listenAs;
        try {
            listenAs = offer.listenAs().map(s -> SpeakerNames.parse(s).map(n -> n.toLowerCase(Locale.ROOT)).orElse(null));
        } catch (IllegalArgumentException e) {
            return failed(400, e.getMessage());
        }
        if (program.program().isEmpty()) {
            return failed(409, "room " + room.name() + " has no program yet: nobody is speaking; try again when someone is");
        }
        try {
            return CompletableFuture.completedFuture(new Created(open(room, program, answer, local, listenAs.orElse(null), null).id,
                    answer.sdp()));
        } catch (WhipFailure e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static CompletionStage<Created> failed(int status, String message) {
        return CompletableFuture.failedFuture(new WhipFailure(status, message));
    }

    private static WhipFailure refusal(Room room, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof RoomProgram.RoomFullException) {
            return new WhipFailure(409, cause.getMessage());
        }
        if (cause instanceof ProgramRoom.Removed r) {
            return new WhipFailure(403, r.getMessage());
        }
        if (cause instanceof ProgramRoom.Refused r) {
            return new WhipFailure(r.unavailable() ? 503 : 400, r.getMessage());
        }
        LOG.warn("room {}: a WebRTC speaker could not join", room.name(), cause);
        return new WhipFailure(503, "room " + room.name() + " could not start its program; try again later");
    }

    /** Opens the peer on the UDP port; {@code speaker} null for a listener. */
    private Call open(Room room, ProgramRoom program, Answer answer, ServerParameters local, String speakerId, MediaSink speaker) {
        boolean video = answer.negotiated().media().stream().anyMatch(m -> m.kind() == MediaKind.VIDEO && m.direction().sends());
        boolean audio = answer.negotiated().media().stream().anyMatch(m -> m.kind() == MediaKind.AUDIO && m.direction().sends());
        String id = local.ice().ufrag();
        Call call = new Call(id, room.name(), program, speakerId, speaker, video, audio);
        calls.put(id, call);
        PeerSession peer;
        try {
            peer = transport.open(answer.negotiated(), local, call);
        } catch (IllegalStateException | IllegalArgumentException e) {
            calls.remove(id);
            if (speaker != null) {
                speaker.onEnd(); // gives the place back (the tile stays for the rejoin grace, as after a drop)
            }
            throw new WhipFailure(503, "the WebRTC port takes no more peers now: " + e.getMessage());
        }
        call.peer = peer;
        peer.maxReceiveBitrate(maxSendBitrate(program.settings()));
        if (speakerId != null && speaker != null) {
            // the same speaker coming back (a reconnect): the old session is over
            for (Call other : calls.values()) {
                PeerSession old = other.peer;
                if (other != call && other.speaker != null && old != null && other.room.equals(room.name())
                        && speakerId.equals(other.speakerId)) {
                    old.close();
                }
            }
        }
        LOG.info("room {}: WebRTC {} {} ({}), session {}", room.name(), speaker != null ? "speaker" : "listener",
                speakerId == null ? "" : speakerId, describe(answer), peer.id());
        return call;
    }

    /**
     * What a speaker of the room may send (REMB): about 0.04 bits per pixel of the canvas at its
     * frame rate (2.5 Mbit/s at 1920x1080 30 fps, 1.1 at 1280x720), at least 300 kbit/s: no tile
     * is ever larger than the canvas, so more would only be scaled away.
     */
    static long maxSendBitrate(RoomSettings room) {
        long bits = (long) room.canvasWidth() * room.canvasHeight() * room.fps() / 25;
        return Math.max(MIN_SEND_BITRATE, Math.min(MAX_SEND_BITRATE, bits));
    }

    /** The range of {@link #maxSendBitrate}. */
    static final long MIN_SEND_BITRATE = 300_000;
    static final long MAX_SEND_BITRATE = 2_500_000;

    private static String describe(Answer answer) {
        StringBuilder b = new StringBuilder();
        for (NegotiatedMedia m : answer.negotiated().media()) {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(m.kind().name().toLowerCase(Locale.ROOT)).append(' ').append(m.codec().encoding()).append(' ')
                    .append(m.direction().attribute());
        }
        return b.toString();
    }

    @Override
    public boolean end(String room, String id) {
        Call call = calls.get(id);
        PeerSession peer = call == null ? null : call.peer;
        if (peer == null || !call.room.equals(room)) {
            return false;
        }
        peer.close();
        return true;
    }

    /**
     * Closes every WebRTC session of {@code room} (speakers, their screens, listeners) whose speaker
     * id {@code which} accepts ({@code null} ids: listeners); returns how many.
     */
    int kick(String room, java.util.function.Predicate<String> which) {
        int n = 0;
        for (Call c : calls.values()) {
            PeerSession peer = c.peer;
            if (peer != null && c.room.equals(room) && which.test(c.speakerId)) {
                peer.close();
                n++;
            }
        }
        return n;
    }

    /** One counter over every session since start, the open ones included (for metrics). */
    long total(PeerTotals.Total which) {
        long sum = closedPeers.get(which);
        for (Call c : calls.values()) {
            PeerSession p = c.peer;
            if (p != null) {
                sum += PeerTotals.value(p.stats(), which);
            }
        }
        return sum;
    }

    /** Open sessions that send media into a room (speakers), or only listen. */
    long sessions(boolean speakers) {
        return calls.values().stream().filter(c -> (c.speaker != null) == speakers).count();
    }

    @Override
    public void close() {
        if (transport != null) {
            transport.close(); // every peer gets its BYE and close_notify, and its closed callback
        }
        calls.clear();
    }

    /** One session: a speaker's media into the room, and the room back to them. */
    final class Call implements PeerListener {
        /** The session's id: its local ICE ufrag, the last segment of its WHIP location. */
        final String id;
        final String room;
        final ProgramRoom program;
        /** The speaker this session is (or listens as); null for an anonymous listener. */
        final String speakerId;
        /** The speaker's input, null for a listener. */
        final MediaSink speaker;
        /** Whether the answer sends the room's video and audio back. */
        final boolean sendsVideo;
        final boolean sendsAudio;
        volatile PeerSession peer;
        private InteractiveProgram.Subscription back; // guarded by this
        private boolean closed; // guarded by this

        Call(String id, String room, ProgramRoom program, String speakerId, MediaSink speaker, boolean sendsVideo, boolean sendsAudio) {
            this.id = id;
            this.sendsVideo = sendsVideo;
            this.sendsAudio = sendsAudio;
            this.room = room;
            this.program = program;
            this.speakerId = speakerId;
            this.speaker = speaker;
        }

        @Override
        public void connected(PeerSession p) {
            Optional<RoomProgram> running = program.program();
            if (running.isEmpty() || !sendsVideo && !sendsAudio) {
                return;
            }
            InteractiveProgram interactive = running.get().interactive();
            synchronized (this) {
                if (closed || back != null) {
                    return;
                }
                MediaSink video = new MediaSink() {
                    @Override
                    public void onPacket(MediaPacket packet) {
                        if (LatencyTrace.ON) {
                            LatencyTrace.since("send.queue", packet);
                            long t0 = System.nanoTime();
                            p.sendVideo(packet);
                            LatencyTrace.record("send", System.nanoTime() - t0);
                        } else {
                            p.sendVideo(packet);
                        }
                    }

                    @Override
                    public void onEnd() {
                    }
                };
                MediaSink audio = new MediaSink() {
                    @Override
                    public void onPacket(MediaPacket packet) {
                        p.sendAudio(packet);
                    }

                    @Override
                    public void onEnd() {
                    }
                };
                try {
                    back = interactive.subscribe(speakerId, sendsVideo ? video : null, sendsAudio ? audio : null);
                } catch (IllegalStateException e) {
                    LOG.info("room {}: session {} gets no program back: {}", room, p.id(), e.getMessage());
                }
            }
        }

        /**
         * Each track's timestamps start at 0 with its first packet; this puts the later track where
         * it began in wall time after the first one, so audio and video share one timeline (to
         * within the network's jitter at their start). Event loop only.
         */
        private long firstNanos = Long.MIN_VALUE;
        private long audioOffset = Long.MIN_VALUE;
        private long videoOffset = Long.MIN_VALUE;

        @Override
        public void media(PeerSession p, String mid, MediaKind kind, MediaPacket packet, OptionalInt audioLevel) {
            if (speaker == null) {
                return;
            }
            long now = System.nanoTime();
            if (firstNanos == Long.MIN_VALUE) {
                firstNanos = now;
            }
            long offset;
            if (kind == MediaKind.AUDIO) {
                if (audioOffset == Long.MIN_VALUE) {
                    audioOffset = (now - firstNanos) * MediaPacket.TIMESCALE / 1_000_000_000L;
                }
                offset = audioOffset;
            } else {
                if (videoOffset == Long.MIN_VALUE) {
                    videoOffset = (now - firstNanos) * MediaPacket.TIMESCALE / 1_000_000_000L;
                }
                offset = videoOffset;
            }
            MediaPacket placed = offset == 0 ? packet : new MediaPacket(packet.kind(), packet.config(), packet.dts() + offset,
                    packet.compositionOffset(), packet.keyframe(), packet.data(), packet.audioLevel());
            MediaPacket out = audioLevel.isPresent() && kind == MediaKind.AUDIO ? placed.withAudioLevel(audioLevel.getAsInt()) : placed;
            if (kind == MediaKind.VIDEO) {
                LatencyTrace.stamp(out, now); // nothing unless -Damphi.latencyTrace is set
            }
            speaker.onPacket(out);
        }

        @Override
        public void keyframeRequested(PeerSession p) {
            InteractiveProgram.Subscription b;
            synchronized (this) {
                b = back;
            }
            if (b != null) {
                b.requestKeyframe(); // rate-limited by the rendition: one forced IDR per 500 ms at most
            }
        }

        @Override
        public void closed(PeerSession p, String reason) {
            InteractiveProgram.Subscription b;
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                b = back;
                back = null;
            }
            if (b != null) {
                b.close();
            }
            if (speaker != null) {
                speaker.onEnd();
                shares.ended(program, speakerId, id);
            }
            if (calls.remove(id, this)) {
                closedPeers.add(p.stats());
            }
            LOG.info("room {}: WebRTC session {} of {} closed: {}", room, p.id(), speakerId == null ? "a listener" : speakerId, reason);
        }
    }

    /**
     * The program's requests to one speaker's peer, which opens only after the speaker joined the
     * program: what is said before that (shown or hidden) is kept and told to the peer once it opens.
     */
    static final class PeerControl implements SenderControl {
        private PeerSession peer;
        private Boolean shown;

        /** The peer the speaker's media arrives on. */
        synchronized void attach(PeerSession p) {
            peer = p;
            if (shown != null) {
                p.receivedVideoShown(shown);
            }
        }

        @Override
        public void requestKeyframe() {
            PeerSession p;
            synchronized (this) {
                p = peer;
            }
            if (p != null) {
                p.requestKeyframe();
            }
        }

        @Override
        public synchronized void videoShown(boolean on) {
            shown = on;
            if (peer != null) {
                peer.receivedVideoShown(on);
            }
        }
    }
}
