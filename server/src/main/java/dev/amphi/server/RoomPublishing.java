package dev.amphi.server;

import dev.amphi.core.room.People;
import dev.amphi.core.room.Person;
import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import dev.amphi.ingest.PublishAuthorizer;
import dev.amphi.ingest.PublishDecision;
import dev.amphi.ingest.PublishRequest;
import dev.amphi.ingest.rtmp.RtmpServer.DuplicatePolicy;
import dev.amphi.media.MediaFanout;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import dev.amphi.transcode.RoomProgram;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backs ingest's {@link PublishAuthorizer} with the room registry: a stream key names a room, and
 * the publisher's packets go into that room's {@link MediaFanout}, whose consumer feeds the HLS
 * origin on the worker executor (one serial consumer per room).
 *
 * <p>Each accepted publisher gets its own session sink. The first packet of a new session makes it
 * the room's current one (the room goes live; a session it displaces is ended first, so the origin
 * sees one end and a fresh timeline); packets of a displaced session are dropped; the current
 * session's end makes the room not live. So a take-over works whatever order the two connections'
 * event loops run in. Sessions are called on Netty event loops and only take a short,
 * uncontended per-room lock. {@link #authorize} never blocks: a composited room whose program is
 * not running answers once its program has started on another thread.
 */
final class RoomPublishing implements PublishAuthorizer, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RoomPublishing.class);

    /** Packets queued per room before the origin consumer drops video (about 15 s at 30 fps + audio). */
    static final int QUEUE_CAPACITY = 1024;
    /**
     * Packets that may wait in the origin's queue before its worker is woken (a keyframe always
     * wakes it): the packager only cuts segments at keyframes, so waiting ~0.2 s costs nothing
     * and saves a thread wake-up per packet (see {@link MediaFanout#subscribe(String, MediaSink,
     * Executor, int, int)}).
     */
    static final int WAKE_BATCH = 16;

    private final RoomRegistry registry;
    private final DuplicatePolicy policy;
    private final Map<String, RoomStream> streams = new LinkedHashMap<>();
    private final Map<String, ProgramRoom> programs;
    private final People people;

    /** Every room passes its publisher through. */
    RoomPublishing(RoomRegistry registry, DuplicatePolicy policy, Function<String, MediaSink> originSinks, Executor worker) {
        this(registry, policy, originSinks, worker, Map.of(), new People());
    }

    /** Rooms in {@code programs} composite their speakers; the others pass their publisher through. */
    RoomPublishing(RoomRegistry registry, DuplicatePolicy policy, Function<String, MediaSink> originSinks, Executor worker,
                   Map<String, ProgramRoom> programs) {
        this(registry, policy, originSinks, worker, programs, new People());
    }

    /**
     * As above, and a key of someone in {@code people} publishes to their room under their display
     * name (whatever {@code ?name=} says).
     */
    RoomPublishing(RoomRegistry registry, DuplicatePolicy policy, Function<String, MediaSink> originSinks, Executor worker,
                   Map<String, ProgramRoom> programs, People people) {
        this.people = people;
        this.registry = registry;
        this.policy = policy;
        this.programs = programs; // the server's live map: rooms made through the API come and go
        for (Room room : registry.rooms()) {
            if (!programs.containsKey(room.name())) {
                streams.put(room.name(), new RoomStream(room, originSinks.apply(room.name()), worker));
            }
        }
    }

    /**
     * Called on a Netty event loop: returns at once. A passthrough room decides at once; a
     * composited room's decision waits for its program to start when it is not running yet (the
     * program starts on another thread).
     */
    @Override
    public CompletionStage<PublishDecision> authorize(PublishRequest asked) {
        // someone's own key: their room, under their display name
        Optional<Person> person = registry.byStreamKey(asked.streamKey()).isPresent() ? Optional.empty()
                : people.byStreamKey(asked.streamKey()); // a passthrough room's person publishes its one stream
        PublishRequest request = person.isEmpty() ? asked : new PublishRequest(asked.app(), asked.streamKey(), asked.remote(),
                asked.secure(), "name=" + URLEncoder.encode(person.get().displayName(), StandardCharsets.UTF_8));
        String app = request.app().replaceFirst("[?].*$", "").replaceFirst("/+$", "");
        if (!"live".equals(app)) {
            // not echoed: an encoder that put the key into the server URL sends it as part of the application
            return decided(PublishDecision.reject("unknown application: publish to rtmp://HOST:PORT/live with the stream key "
                    + "as the stream name (rtmp://HOST:PORT/live/KEY)"));
        }
        Optional<Room> room = person.isPresent() ? registry.byName(person.get().room()) : registry.byStreamKey(request.streamKey());
        if (room.isEmpty()) {
            LOG.info("refused publisher {}: unknown stream key", request.remote());
            return decided(PublishDecision.rejectCredentials("unknown stream key"));
        }
        if (registry.isEnded(room.get().name())) {
            LOG.info("refused publisher {}: the event in room {} has ended", request.remote(), room.get().name());
            return decided(PublishDecision.notAdmitted("the event in room " + room.get().name() + " has ended"));
        }
        ProgramRoom program = programs.get(room.get().name());
        if (program != null) {
            return program.newSession(request).handle((speaker, failure) -> {
                if (failure == null) {
                    LOG.info("publisher {} accepted as speaker {}{}", request.remote(), speaker.streamName(),
                            request.secure() ? " (RTMPS)" : "");
                    return PublishDecision.accept(speaker.streamName(), speaker.sink());
                }
                String reason = refusal(room.get().name(), failure);
                LOG.info("refused publisher {} for room {}: {}", request.remote(), room.get().name(), reason);
                return publishersFault(failure) ? PublishDecision.reject(reason) : PublishDecision.notAdmitted(reason);
            });
        }
        return decided(passThrough(request, room.get()));
    }

    private static CompletionStage<PublishDecision> decided(PublishDecision decision) {
        return CompletableFuture.completedFuture(decision);
    }

    /** What a publisher is told when its composited room cannot take it. */
    private static String refusal(String room, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof RoomProgram.RoomFullException || cause instanceof ProgramRoom.Refused) {
            return cause.getMessage();
        }
        return "room " + room + " could not start its program; try again later";
    }

    /** Whether a refusal is the publisher's request (a bad speaker name), not the room's state (full, stopping, not started). */
    private static boolean publishersFault(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof ProgramRoom.Refused r && !r.unavailable();
    }

    private PublishDecision passThrough(PublishRequest request, Room room) {
        RoomStream stream = streams.get(room.name());
        if (policy == DuplicatePolicy.REFUSE && stream.isLive()) {
            LOG.info("refused publisher {} for room {}: it is already live", request.remote(), room.name());
            return PublishDecision.reject("room " + room.name() + " is already live");
        }
        LOG.info("publisher {} accepted for room {}{}", request.remote(), room.name(), request.secure() ? " (RTMPS)" : "");
        return PublishDecision.accept(room.name(), stream.newSession());
    }

    @Override
    public void unpublished(PublishRequest request, String streamName) {
        LOG.info("publisher {} left room {}", request.remote(), streamName);
    }

    /** The per-room fan-outs' consumers, for drop metrics. */
    Collection<RoomStream> streams() {
        return streams.values();
    }

    @Override
    public void close() {
        for (RoomStream s : streams.values()) {
            s.toOrigin.close();
        }
    }

    /** One room's publishing state. */
    final class RoomStream {
        final Room room;
        final MediaFanout fanout = MediaFanout.create();
        final MediaFanout.Subscription toOrigin;
        private Session current; // guarded by this

        RoomStream(Room room, MediaSink origin, Executor worker) {
            this.room = room;
            this.toOrigin = fanout.subscribe("hls:" + room.name(), origin, worker, QUEUE_CAPACITY, WAKE_BATCH);
        }

        synchronized boolean isLive() {
            return current != null;
        }

        MediaSink newSession() {
            return new Session(this);
        }

        synchronized void packet(Session session, MediaPacket packet) {
            if (current != session) {
                if (session.ended) {
                    return;
                }
                if (current != null) {
                    current.ended = true;
                    fanout.onEnd();
                    LOG.info("room {}: a new publisher took over", room.name());
                }
                current = session;
                registry.setLive(room.name(), true);
            }
            fanout.onPacket(packet);
        }

        synchronized void end(Session session) {
            session.ended = true;
            if (current == session) {
                current = null;
                fanout.onEnd();
                registry.setLive(room.name(), false);
            }
        }
    }

    /** One accepted publisher's sink. */
    static final class Session implements MediaSink {
        private final RoomStream stream;
        boolean ended; // guarded by stream

        Session(RoomStream stream) {
            this.stream = stream;
        }

        @Override
        public void onPacket(MediaPacket packet) {
            stream.packet(this, packet);
        }

        @Override
        public void onEnd() {
            stream.end(this);
        }
    }
}
