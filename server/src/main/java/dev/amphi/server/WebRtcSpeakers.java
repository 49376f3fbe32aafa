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
 */
final class WebRtcSpeakers implements WebRtcSessions, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebRtcSpeakers.class);

    private final WebRtcTransport transport;
    private final Map<String, ProgramRoom> programs;
    private final List<IceServer> iceServers;
    private final Map<String, Call> calls = new ConcurrentHashMap<>();

    /** @param transport the bound UDP port, or null when WebRTC is off */
    WebRtcSpeakers(WebRtcTransport transport, Map<String, ProgramRoom> programs, List<IceServer> iceServers) {
        this.transport = transport;
        this.programs = Map.copyOf(programs);
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
            return program.newSession(request).handle((accepted, failure) -> {
                if (failure != null) {
                    throw refusal(room, failure);
                }
                String speakerId = accepted.streamName().substring(accepted.streamName().indexOf('/') + 1);
                return open(room, program, answer, local, speakerId, accepted.sink());
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
            return CompletableFuture.completedFuture(open(room, program, answer, local, listenAs.orElse(null), null));
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
        if (cause instanceof ProgramRoom.Refused r) {
            return new WhipFailure(r.unavailable() ? 503 : 400, r.getMessage());
        }
        LOG.warn("room {}: a WebRTC speaker could not join", room.name(), cause);
        return new WhipFailure(503, "room " + room.name() + " could not start its program; try again later");
    }

    /** Opens the peer on the UDP port; {@code speaker} null for a listener. */
    private Created open(Room room, ProgramRoom program, Answer answer, ServerParameters local, String speakerId, MediaSink speaker) {
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
        return new Created(id, answer.sdp());
    }

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

        @Override
        public void media(PeerSession p, String mid, MediaKind kind, MediaPacket packet, OptionalInt audioLevel) {
            if (speaker != null) {
                if (kind == MediaKind.VIDEO) {
                    LatencyTrace.stamp(packet, System.nanoTime());
                }
                speaker.onPacket(audioLevel.isPresent() && kind == MediaKind.AUDIO ? packet.withAudioLevel(audioLevel.getAsInt()) : packet);
            }
        }

        @Override
        public void keyframeRequested(PeerSession p) {
            program.program().ifPresent(r -> r.interactive().requestKeyframe());
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
            }
            calls.remove(id, this);
            LOG.info("room {}: WebRTC session {} of {} closed: {}", room, p.id(), speakerId == null ? "a listener" : speakerId, reason);
        }
    }
}
