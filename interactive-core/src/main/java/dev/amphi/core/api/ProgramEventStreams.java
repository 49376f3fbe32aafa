package dev.amphi.core.api;

import dev.amphi.core.comments.CommentHub;
import dev.amphi.core.comments.CommentSettings;
import dev.amphi.core.comments.CommentWindows;
import dev.amphi.core.room.LayoutChoice;
import dev.amphi.core.room.ProgramControl;
import dev.amphi.core.room.ProgramEvents;
import dev.amphi.core.room.ProgramState;
import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import dev.amphi.core.room.SpeakerView;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * {@code GET /api/rooms/{name}/events}: a Server-Sent Events stream ({@code text/event-stream}) of a
 * room's program. On connect: {@code retry: 5000} and a {@code program} event (the same JSON as
 * {@code GET /api/rooms/{name}/program}); then, as they happen:
 * <ul>
 *   <li>{@code active-speaker}: {@code {"id":"ada"}}</li>
 *   <li>{@code speakers}: {@code {"speakers":[...]}}, on joins and leaves</li>
 *   <li>{@code layout}: the layout JSON, e.g. {@code {"layout":"speaker"}}</li>
 *   <li>{@code program}: the whole state again when the program starts or stops</li>
 *   <li>{@code levels}, to streams opened with the room's key (hosts) only, every
 *       {@value #LEVELS_MILLIS} ms: {@code {"speakers":[...],"viewers":N}}, the
 *       speakers with their levels, bitrates and mutes (as in {@code program}), and the viewers' estimate</li>
 *   <li>{@code comment}: each comment as it is accepted (streams opened with the room's key also get
 *       held comments, with {@code "held":true}, and each comment's {@code viewer} id, to mute);
 *       {@code comment-removed} ({@code {"id"}}); {@code comment-settings}</li>
 * </ul>
 * and a comment line ({@code : heartbeat}) every heartbeat interval.
 *
 * <p>Threads and memory: events come from the program thread or other threads; each room encodes
 * an event once and hands it to each client's event loop ({@link Context#runOnContext}), never
 * writing from a foreign thread. A client keeps at most one pending event of each kind (a newer
 * one replaces an older one not yet written, so a burst of joins costs one {@code speakers} write),
 * comment events are queued, every one (a client with {@link #MAX_QUEUED} unwritten is disconnected),
 * and a client whose HTTP write queue is full (it does not read) is disconnected. At most
 * {@code maxStreams} streams are open at once over all rooms; one more gets 503 with
 * {@code Retry-After}. Responses are not compressed, so events are not held back in a compressor.
 */
final class ProgramEventStreams {

    /** Event kinds, in the order a client writes the pending ones. */
    private static final String[] KINDS = {"program", "layout", "speakers", "active-speaker"};
    private static final int PROGRAM = 0;
    private static final int LAYOUT = 1;
    private static final int SPEAKERS = 2;
    private static final int ACTIVE = 3;

    /** How often hosts' streams get the speakers' levels. */
    static final long LEVELS_MILLIS = 500;

    /** Comment events a client may have unwritten before it is disconnected. */
    static final int MAX_QUEUED = 2000;

    private final RoomRegistry registry;
    private final ProgramControl control;
    private final int maxStreams;
    private final long heartbeatMs;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<String, RoomHub> hubs = new ConcurrentHashMap<>();
    private volatile java.util.function.ToIntFunction<String> viewers = room -> 0;

    ProgramEventStreams(RoomRegistry registry, ProgramControl control, int maxStreams, Duration heartbeat) {
        this.registry = registry;
        this.control = control;
        this.maxStreams = maxStreams;
        this.heartbeatMs = heartbeat.toMillis();
    }

    void viewers(java.util.function.ToIntFunction<String> estimate) {
        viewers = java.util.Objects.requireNonNull(estimate, "estimate");
    }

    int openCount() {
        return open.get();
    }

    /**
     * Event loop: starts a stream for {@code room}, or answers 503 when too many are open.
     * {@code host}: the client showed the room's key, so it also gets held comments and viewers' ids.
     */
    void open(RoutingContext ctx, Room room, boolean host) {
        if (open.incrementAndGet() > maxStreams) {
            open.decrementAndGet();
            ctx.response().putHeader("Retry-After", "30");
            Responses.error(ctx, 503, "too many event streams open (" + maxStreams + "); retry later");
            return;
        }
        HttpServerResponse res = ctx.response();
        res.setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("Content-Encoding", "identity") // Vert.x compresses nothing marked identity
                .putHeader("X-Accel-Buffering", "no"); // nor does nginx buffer it
        RoomHub hub = hubs.computeIfAbsent(room.name(), RoomHub::new);
        Client client = new Client(hub, ctx.vertx(), Vertx.currentContext(), res, host);
        hub.clients.add(client);
        ctx.addEndHandler(ar -> client.close()); // the connection closed (or the response ended); keeps others' end handlers
        client.timer = ctx.vertx().setPeriodic(heartbeatMs, id -> client.write(": heartbeat\n\n"));
        if (host) {
            client.levelsTimer = ctx.vertx().setPeriodic(LEVELS_MILLIS, id -> {
                ProgramState now = control.state(room.name());
                client.write(frame("levels", new JsonObject().put("speakers", ProgramJson.speakers(now.speakers()))
                        .put("viewers", viewers.applyAsInt(room.name()))));
            });
        }
        ProgramState state = control.state(room.name());
        client.write("retry: 5000\n\n" + frame(KINDS[PROGRAM], ProgramJson.state(room.name(), state, registry.isLive(room.name()))));
    }

    private static String frame(String event, JsonObject data) {
        return "event: " + event + "\ndata: " + data.encode() + "\n\n";
    }

    /** The listener that puts comment events on the rooms' streams (every one is delivered, none coalesced). */
    CommentHub.Listener commentListener() {
        return new CommentHub.Listener() {
            @Override
            public void accepted(String room, CommentWindows.Accepted comment, boolean held) {
                String forHosts = frame("comment", CommentJson.forHosts(comment, held));
                queue(room, held ? null : frame("comment", CommentJson.comment(comment)), forHosts);
            }

            @Override
            public void removed(String room, long id) {
                String f = frame("comment-removed", new JsonObject().put("id", Long.toString(id)));
                queue(room, f, f);
            }

            @Override
            public void settingsChanged(String room, CommentSettings settings) {
                String f = frame("comment-settings", CommentJson.settings(settings));
                queue(room, f, f);
            }
        };
    }

    /** Any thread: queues {@code forViewers} (null: none) or {@code forHosts} on each client of {@code room}. */
    private void queue(String room, String forViewers, String forHosts) {
        RoomHub hub = hubs.get(room);
        if (hub == null) {
            return;
        }
        for (Client c : hub.clients) {
            String f = c.host ? forHosts : forViewers;
            if (f != null) {
                c.enqueue(f);
            }
        }
    }

    /** One room's clients and its one registration with the control. */
    private final class RoomHub implements ProgramEvents {
        final String room;
        final Set<Client> clients = ConcurrentHashMap.newKeySet();
        final ProgramControl.Registration registration;

        RoomHub(String room) {
            this.room = room;
            this.registration = control.listen(room, this);
        }

        private void publish(int kind, JsonObject data) {
            if (clients.isEmpty()) {
                return;
            }
            String f = frame(KINDS[kind], data);
            for (Client c : clients) {
                c.offer(kind, f);
            }
        }

        @Override
        public void activeSpeakerChanged(String speakerId) {
            publish(ACTIVE, new JsonObject().put("id", speakerId));
        }

        @Override
        public void speakersChanged(List<SpeakerView> speakers) {
            publish(SPEAKERS, new JsonObject().put("speakers", ProgramJson.speakers(speakers)));
        }

        @Override
        public void layoutChanged(LayoutChoice layout) {
            publish(LAYOUT, ProgramJson.layout(layout));
        }

        @Override
        public void programChanged(ProgramState state) {
            publish(PROGRAM, ProgramJson.state(room, state, registry.isLive(room)));
        }
    }

    /** One open stream; written only on its own event loop. */
    private final class Client {
        private final RoomHub hub;
        private final Vertx vertx;
        private final Context context;
        private final HttpServerResponse res;
        private final AtomicReferenceArray<String> pending = new AtomicReferenceArray<>(KINDS.length);
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private final AtomicBoolean closed = new AtomicBoolean();
        private final Queue<String> queued = new ConcurrentLinkedQueue<>();
        private final AtomicInteger queuedCount = new AtomicInteger();
        final boolean host;
        long timer = -1; // event loop only
        long levelsTimer = -1; // event loop only

        Client(RoomHub hub, Vertx vertx, Context context, HttpServerResponse res, boolean host) {
            this.hub = hub;
            this.vertx = vertx;
            this.context = context;
            this.res = res;
            this.host = host;
        }

        /**
         * Any thread: queues an event that must not be coalesced (a comment); a client with
         * {@link #MAX_QUEUED} events unwritten is disconnected (it reconnects and starts afresh).
         */
        void enqueue(String frame) {
            if (closed.get()) {
                return;
            }
            if (queuedCount.incrementAndGet() > MAX_QUEUED) {
                context.runOnContext(v -> {
                    close();
                    res.reset();
                });
                return;
            }
            queued.add(frame);
            if (scheduled.compareAndSet(false, true)) {
                context.runOnContext(v -> flush());
            }
        }

        /** Any thread: keeps the newest event of its kind and schedules a flush on the event loop. */
        void offer(int kind, String frame) {
            if (closed.get()) {
                return;
            }
            pending.set(kind, frame);
            if (scheduled.compareAndSet(false, true)) {
                context.runOnContext(v -> flush());
            }
        }

        private void flush() {
            scheduled.set(false);
            for (int k = 0; k < KINDS.length; k++) {
                String f = pending.getAndSet(k, null);
                if (f != null) {
                    write(f);
                }
            }
            String q;
            while ((q = queued.poll()) != null) {
                queuedCount.decrementAndGet();
                write(q);
            }
        }

        /** Event loop only. */
        void write(String text) {
            if (closed.get()) {
                return;
            }
            if (res.writeQueueFull()) {
                close();
                res.reset(); // closes the connection: the client does not keep up
                return;
            }
            res.write(text);
        }

        /** Event loop only; idempotent. */
        void close() {
            if (closed.compareAndSet(false, true)) {
                hub.clients.remove(this);
                if (timer >= 0) {
                    vertx.cancelTimer(timer);
                }
                if (levelsTimer >= 0) {
                    vertx.cancelTimer(levelsTimer);
                }
                open.decrementAndGet();
            }
        }
    }
}
