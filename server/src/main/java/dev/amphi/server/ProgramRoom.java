package dev.amphi.server;

import dev.amphi.core.room.LayoutChoice;
import dev.amphi.core.room.ProgramControl;
import dev.amphi.core.room.ProgramEvents;
import dev.amphi.core.room.ProgramState;
import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import dev.amphi.hls.HlsOrigin;
import dev.amphi.ingest.PublishRequest;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import dev.amphi.transcode.ProgramOutput;
import dev.amphi.transcode.ProgramStats;
import dev.amphi.transcode.RoomProgram;
import dev.amphi.transcode.SenderControl;
import dev.amphi.transcode.demo.DemoSpeaker;
import dev.amphi.transcode.encode.Rung;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A composited room: every accepted publisher is a speaker of the room's {@link RoomProgram},
 * whose ladder goes to the HLS origin as {@code /live/ROOM/master.m3u8}.
 *
 * <p>The program starts with the first speaker (or the demo speakers) and stops, ending the
 * playlists, when no publisher has been connected for {@link #IDLE_STOP_NANOS}. A speaker is
 * identified by the {@code name} query parameter of the stream key ({@code KEY?name=Ada}, checked
 * by {@link SpeakerNames}); the
 * same name coming back gets the same tile, and a second publisher with a name already live takes
 * over from the first (the stale connection's packets are dropped). Publishers without a name
 * are guests, each a new speaker. Session sinks are called on Netty event loops and only take
 * this object's short lock.
 *
 * <p>Starting a program (opening its encoders) and stopping it (flushing them, joining their
 * threads) are slow: they run on the {@code starts} executor or the idle-check thread, never under
 * this object's lock, so speakers' packets and other publishers never wait for them. A publisher
 * who arrives while the program starts gets its answer when the start is done; a start waits for
 * the previous stop to end.
 */
final class ProgramRoom implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProgramRoom.class);
    /** A program with no connected publisher stops after this long (its speakers' rejoin grace). */
    static final long IDLE_STOP_NANOS = 60_000_000_000L;

    private final Room room;
    private final RoomRegistry registry;
    private final HlsOrigin origin;
    /** The settings of the program's next start (the rooms API may change them). */
    private volatile RoomSettings config;
    private final java.time.Duration segmentDuration;
    private final ExecutorService decoders;
    private final ScheduledExecutorService timer;
    private final Executor starts;
    private final Starter starter;
    private final ProgramRoomEvents events;
    private final dev.amphi.core.room.Bans bans;

    // guarded by this
    private RoomProgram program;
    /** The start under way, or null. */
    private CompletableFuture<RoomProgram> starting;
    /** The last speaker's join (the next one joins after it). */
    private CompletableFuture<?> joins = CompletableFuture.completedFuture(null);
    /** Completes when the last stop of a program is done (a start waits for it). */
    private CompletableFuture<Void> stopped = CompletableFuture.completedFuture(null);
    private final Map<String, Session> current = new HashMap<>();
    private final List<DemoSpeaker> demos = new ArrayList<>();
    private long idleSince;
    private int guests;
    private boolean closed;

    /**
     * Builds and starts a room's program from its configured builder: slow (it opens the encoders),
     * so it is called on the {@code starts} executor only. Tests pass a slow or failing one.
     */
    @FunctionalInterface
    interface Starter {
        Starter DEFAULT = (room, builder) -> builder.build().start();

        RoomProgram start(String room, RoomProgram.Builder configured);
    }

    ProgramRoom(Room room, RoomRegistry registry, HlsOrigin origin, RoomSettings config, java.time.Duration segmentDuration,
                ExecutorService decoders, ScheduledExecutorService timer, Executor starts, Starter starter) {
        this(room, registry, origin, config, segmentDuration, decoders, timer, starts, starter, new dev.amphi.core.room.Bans());
    }

    /** As above; a speaker {@code bans} refuses in this room is refused with {@link Removed}. */
    ProgramRoom(Room room, RoomRegistry registry, HlsOrigin origin, RoomSettings config, java.time.Duration segmentDuration,
                ExecutorService decoders, ScheduledExecutorService timer, Executor starts, Starter starter,
                dev.amphi.core.room.Bans bans) {
        this.bans = bans;
        this.segmentDuration = segmentDuration;
        this.room = room;
        this.registry = registry;
        this.origin = origin;
        this.config = config;
        this.decoders = decoders;
        this.timer = timer;
        this.starts = starts;
        this.starter = starter;
        this.events = new ProgramRoomEvents(room.name(), config.layout());
    }

    Room room() {
        return room;
    }

    /** The room's program settings. */
    /** Settings for the program's next start (the running one keeps its own). */
    void settings(RoomSettings changed) {
        if (!changed.room().equals(room.name())) {
            throw new IllegalArgumentException("settings of room " + changed.room() + " given to room " + room.name());
        }
        config = changed;
    }

    RoomSettings settings() {
        return config;
    }

    /** The room refuses this publisher (a bad speaker name, the server is stopping); the message says why, for the publisher. */
    static class Refused extends RuntimeException {
        private final boolean unavailable;

        Refused(String message) {
            this(message, false);
        }

        /** @param unavailable true when the room cannot take anyone now (stopping), false for this publisher's fault */
        Refused(String message, boolean unavailable) {
            super(message);
            this.unavailable = unavailable;
        }

        /** Whether the refusal is the server's state (try again later), not the publisher's request. */
        boolean unavailable() {
            return unavailable;
        }
    }

    /** A host removed or banned this speaker from the room; the message says so. */
    static final class Removed extends Refused {
        Removed(String message) {
            super(message, true);
        }
    }

    /** An accepted publisher: its stream name for ingest ({@code ROOM/SPEAKER}) and its sink. */
    record Accepted(String streamName, MediaSink sink) {
    }

    /**
     * A publisher's session. Its stream name is per speaker, so ingest's duplicate-publisher
     * policy (take over or refuse) applies to one speaker, not to the whole room. Returns at once;
     * the stage completes when the room's program runs (at once when it already does), on the
     * thread that started it. It fails with {@link RoomProgram.RoomFullException} when the room
     * has no free speaker place, {@link Refused} for a bad speaker name or when the server is
     * stopping, or with the program's own failure to start.
     */
    CompletionStage<Accepted> newSession(PublishRequest request) {
        return newSession(request, null);
    }

    /**
     * {@link #newSession(PublishRequest)} for a sender that can be asked for a keyframe and told
     * whether it is shown (WebRTC): see {@link RoomProgram#join(String, String, SenderControl)}.
     */
    CompletionStage<Accepted> newSession(PublishRequest request, SenderControl control) {
        String id;
        String display;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new Refused("server is stopping", true));
            }
            Optional<String> name;
            try {
                name = request.parameter("name").flatMap(SpeakerNames::parse);
            } catch (IllegalArgumentException e) {
                return CompletableFuture.failedFuture(new Refused(e.getMessage()));
            }
            if (name.isPresent()) {
                display = name.get();
                id = display.toLowerCase(Locale.ROOT);
                java.time.Instant now = java.time.Instant.now();
                Optional<dev.amphi.core.room.Bans.Ban> ban = bans.find(room.name(), id, now)
                        .or(() -> ScreenShares.sharerOf(id).flatMap(sharer -> bans.find(room.name(), sharer, now))); // their screen too
                if (ban.isPresent()) {
                    return CompletableFuture.failedFuture(new Removed(ban.get().permanent()
                            ? "the host banned " + display + " from room " + room.name()
                            : "the host removed " + display + " from room " + room.name() + "; try again later"));
                }
            } else {
                guests++;
                display = "Guest " + guests;
                id = "guest-" + guests;
            }
            CompletableFuture<RoomProgram> ready = programReady();
            // speakers join in the order they came (their tiles' order), also when they waited for a start
            CompletableFuture<Accepted> joined = joins.handle((a, e) -> null).thenCompose(ignored -> ready)
                    .thenApply(p -> join(p, id, display, control));
            joins = joined;
            return joined;
        }
    }

    /** A speaker joins the running program {@code p}. */
    private synchronized Accepted join(RoomProgram p, String id, String display, SenderControl control) {
        if (closed || program != p) {
            throw new Refused(closed ? "server is stopping" : "the room's program stopped; try again", true);
        }
        idleSince = 0; // the idle check must not stop the program before this speaker's first packet
        events.named(id, display);
        MediaSink input = control == null ? p.join(id, display) : p.join(id, display, control);
        return new Accepted(room.name() + "/" + id, new Session(id, input, events.meter(id)));
    }

    /** Starts {@code n} demo speakers (the program starts with them and never idles out). Start-up thread only. */
    void startDemo(int n) {
        String[] names = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim",
            "Margaret", "Dennis", "Hedy", "Linus", "Katherine", "John"};
        CompletableFuture<RoomProgram> ready;
        synchronized (this) {
            ready = programReady();
        }
        RoomProgram p;
        try {
            p = ready.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        synchronized (this) {
            for (int i = 0; i < n; i++) {
                String name = i < names.length ? names[i] : "Demo " + (i + 1);
                events.named("demo-" + (i + 1), name);
                demos.add(DemoSpeaker.start(name, i, n, p.join("demo-" + (i + 1), name), timer));
            }
        }
        LOG.info("room {}: {} demo speaker(s) started", room.name(), n);
    }

    /** Called every few seconds (timer thread): stops a program nobody has published to for a while. */
    void idleCheck(long nowNanos) {
        Runnable stop;
        synchronized (this) {
            events.forgetDeparted();
            if (program == null || !demos.isEmpty() || !current.isEmpty()) {
                idleSince = 0;
                return;
            }
            if (idleSince == 0) {
                idleSince = nowNanos;
                return;
            }
            if (nowNanos - idleSince <= IDLE_STOP_NANOS) {
                return;
            }
            LOG.info("room {}: no speaker for {} s, program stopped", room.name(), IDLE_STOP_NANOS / 1_000_000_000L);
            stop = detachProgram();
        }
        stop.run();
    }

    /**
     * Stops the program now (the host ended the event): flushes its encoders, ends the playlists'
     * live state; the room stays usable, and the next admitted publisher starts a new program.
     */
    void stopNow() {
        Runnable stop;
        synchronized (this) {
            stop = detachProgram();
        }
        if (stop != null) {
            LOG.info("room {}: the event was ended, program stopped", room.name());
            stop.run();
        }
    }

    synchronized Optional<RoomProgram> program() {
        return Optional.ofNullable(program);
    }

    synchronized Optional<ProgramStats> stats() {
        return program == null ? Optional.empty() : Optional.of(program.stats());
    }

    synchronized boolean isLive() {
        return program != null;
    }

    /** The room's program as the interactive core sees it; lock-free (HTTP event loops call it). */
    ProgramState state() {
        return events.state();
    }

    /**
     * The host's layout: applied at the running program's next frame, or kept for its next start.
     * Lock-free (HTTP event loops call it).
     *
     * @throws IllegalArgumentException when a presentation names no speaker of the running program
     */
    void layout(LayoutChoice choice) {
        LayoutChoice resolved = choice.kind() == LayoutChoice.Kind.PRESENTATION
                ? LayoutChoice.presentation(events.resolveSource(choice.source()))
                : choice;
        events.choose(resolved);
        LOG.info("room {}: layout {} chosen through the API", room.name(), resolved.spec());
    }

    /** A host mutes a speaker of the program out of the mix, or lets them back (lock-free). */
    void mute(String speakerId, boolean mute) {
        events.mute(speakerId, mute);
    }

    /** The speaker leaves the running program now (their tile goes at the next frame); their connections are the caller's. */
    void leave(String speakerId) {
        RoomProgram p;
        synchronized (this) {
            p = program;
            Session s = current.remove(speakerId);
            if (s != null) {
                s.ended = true;
                s.publishing = false;
            }
        }
        if (p != null) {
            p.leave(speakerId);
        }
    }

    /** Reports the room's program events to {@code listener}. */
    ProgramControl.Registration listen(ProgramEvents listener) {
        return events.add(listener);
    }

    /** Under this: the running program, or the start under way (begun here if there is none). */
    private CompletableFuture<RoomProgram> programReady() {
        if (program != null) {
            return CompletableFuture.completedFuture(program);
        }
        if (starting == null) {
            starting = stopped.thenApplyAsync(ignored -> open(), starts);
        }
        return starting;
    }

    /** On the {@code starts} executor, outside the lock: builds and starts the program, then installs it. */
    private RoomProgram open() {
        RoomProgram p;
        RoomSettings settings = config;
        try {
            List<String> names = settings.ladder().stream().map(Rung::name).toList();
            HlsOrigin.Ladder ladder = origin.ladder(room.name(), names);
            ProgramOutput out = new ProgramOutput() {
                @Override
                public MediaSink video(int index) {
                    return ladder.video(index);
                }

                @Override
                public MediaSink audio() {
                    return ladder.audio();
                }
            };
            p = starter.start(room.name(), settings.apply(RoomProgram.builder(room.name()))
                    .segmentDuration(segmentDuration)
                    .decodeExecutor(decoders)
                    .output(out)
                    .layout(events.programLayout())
                    .listener(events));
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                starting = null; // the next publisher tries again
            }
            LOG.warn("room {}: the program could not start: {}", room.name(), e.toString());
            throw e;
        }
        synchronized (this) {
            starting = null;
            if (!closed) {
                program = p;
                events.started(p);
                idleSince = 0;
                registry.setLive(room.name(), true);
                return p;
            }
        }
        p.close();
        throw new Refused("server is stopping", true);
    }

    /**
     * Under this: takes the program out of the room; the returned action, run outside the lock,
     * stops it (a start waits until it is done). Null when no program runs.
     */
    private Runnable detachProgram() {
        RoomProgram p = program;
        if (p == null) {
            return null;
        }
        program = null;
        idleSince = 0;
        CompletableFuture<Void> done = new CompletableFuture<>();
        stopped = stopped.thenCompose(ignored -> done);
        return () -> {
            try {
                p.close();
            } catch (RuntimeException e) {
                LOG.warn("room {}: stopping the program failed: {}", room.name(), e.toString());
            } finally {
                registry.setLive(room.name(), false);
                events.stopped();
                done.complete(null);
            }
        };
    }

    @Override
    public void close() {
        List<DemoSpeaker> d;
        CompletableFuture<RoomProgram> pending;
        synchronized (this) {
            closed = true;
            d = new ArrayList<>(demos);
            demos.clear();
            pending = starting;
        }
        for (DemoSpeaker s : d) {
            s.close();
        }
        if (pending != null) { // it sees `closed` when it ends and closes its program itself
            try {
                pending.handle((p, e) -> null).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("room {}: a program start did not end within 30 s of the shutdown", room.name());
            }
        }
        Runnable stop;
        synchronized (this) {
            stop = detachProgram();
        }
        if (stop != null) {
            stop.run();
        }
    }

    @Override
    public String toString() {
        return "program of room " + room.name();
    }

    /** One publisher of one speaker. */
    private final class Session implements MediaSink {
        private final String speakerId;
        private final MediaSink input;
        private final ProgramRoomEvents.IngestMeter meter;
        private boolean ended; // guarded by ProgramRoom.this
        /**
         * This session is the speaker's current publisher: its packets go straight to the
         * program's queue (which never blocks) without the room's lock, so a publisher's thread
         * (one event loop carries all WebRTC speakers) never waits behind a join or a stats read.
         * Cleared under the lock when another publisher takes over or this one ends.
         */
        private volatile boolean publishing;

        Session(String speakerId, MediaSink input, ProgramRoomEvents.IngestMeter meter) {
            this.speakerId = speakerId;
            this.input = input;
            this.meter = meter;
        }

        @Override
        public void onPacket(MediaPacket packet) {
            meter.add(packet.data().length);
            if (publishing) {
                input.onPacket(packet);
                return;
            }
            synchronized (ProgramRoom.this) {
                if (current.get(speakerId) != this) {
                    if (ended || closed) {
                        return;
                    }
                    Session stale = current.put(speakerId, this);
                    if (stale != null) {
                        stale.ended = true;
                        stale.publishing = false;
                        input.onEnd();
                        LOG.info("room {}: a new publisher took over speaker {}", room.name(), speakerId);
                    }
                }
                publishing = true;
                input.onPacket(packet);
            }
        }

        @Override
        public void onEnd() {
            synchronized (ProgramRoom.this) {
                publishing = false;
                ended = true;
                if (current.get(speakerId) == this) {
                    current.remove(speakerId);
                    input.onEnd();
                }
            }
        }
    }
}
