package dev.amphi.server;

import dev.amphi.core.api.AdminAuth;
import dev.amphi.core.api.ClientAddress;
import dev.amphi.core.api.CommentExportApi;
import dev.amphi.core.api.CommentFeed;
import dev.amphi.core.api.CommentModerationApi;
import dev.amphi.core.api.CommentsApi;
import dev.amphi.core.api.LiveSpeakersApi;
import dev.amphi.core.api.PresenceApi;
import dev.amphi.core.api.ProgramApi;
import dev.amphi.core.api.RoomsApi;
import dev.amphi.core.api.ViewerLinksApi;
import dev.amphi.core.api.SpeakersApi;
import dev.amphi.core.comments.BlockedWords;
import dev.amphi.core.comments.CommentHub;
import dev.amphi.core.comments.FloodControl;
import dev.amphi.core.comments.ViewerTokens;
import dev.amphi.core.hooks.Webhooks;
import dev.amphi.core.room.JoinLinks;
import dev.amphi.core.room.People;
import dev.amphi.core.room.Person;
import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import dev.amphi.core.room.StreamKeyStore;
import dev.amphi.core.room.RoomRecord;
import dev.amphi.core.room.ViewerEstimate;
import dev.amphi.core.room.ViewerLinks;
import dev.amphi.core.store.BanStore;
import dev.amphi.core.store.CommentStore;
import dev.amphi.core.store.Database;
import dev.amphi.core.store.PeopleStore;
import dev.amphi.core.store.RoomSecretStore;
import dev.amphi.core.store.RoomStore;
import dev.amphi.core.store.Secrets;
import dev.amphi.hls.HlsOrigin;
import dev.amphi.ingest.rtmp.RtmpServer;
import dev.amphi.ingest.webrtc.transport.TransportOptions;
import dev.amphi.ingest.webrtc.transport.WebRtcTransport;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Amphi: rooms, RTMP ingest, HLS origin, HTTP front end, metrics. {@link #start} binds
 * everything or fails (releasing what it had started); {@link #close} shuts down in order: RTMP
 * first (publishers get a close and the origin their end of stream), then the origin workers,
 * the origin, Vert.x and the metrics.
 */
public final class AmphiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AmphiServer.class);
    /** A comment window is published this long after its end: time for posts made at its last instants. */
    static final Duration COMMENT_WINDOW_HOLD = Duration.ofMillis(500);
    /** How long a deleted comment stays listed to viewers (longer than anyone's latency). */
    static final Duration COMMENT_REMOVALS_KEPT = Duration.ofMinutes(10);
    /** How much program time of comment windows is served from memory (well past any live playhead; at 1,000 comments a second about 25 MB). */
    static final Duration COMMENT_WINDOWS_KEPT = Duration.ofMinutes(2);
    /** How often due comment windows are published. */
    static final Duration COMMENT_PUBLISH_TICK = Duration.ofMillis(100);
    /** WebRTC peers on the one UDP port, all rooms: speakers, their screens and listeners. */
    static final int WEBRTC_MAX_PEERS = 2000;

    private final ServerConfig config;
    private final VertxOptions vertxOptions;
    private final List<AutoCloseable> started = new ArrayList<>();
    private RoomRegistry rooms;
    private String lobbyKey;
    private ServerMetrics metrics;
    private ExecutorService worker;
    private ExecutorService decoders;
    private ScheduledExecutorService timer;
    private ExecutorService programStarts;
    private final ProgramRoom.Starter programStarter;
    /** The composited rooms' programs, by room: the configured ones, then those made through the API. */
    private final Map<String, ProgramRoom> programs = new ConcurrentHashMap<>();
    /** Every room's settings (the API adds and removes its rooms'). */
    private final Map<String, RoomSettings> settings = new ConcurrentHashMap<>();
    private ServerRooms serverRooms;
    /** People with credentials of their own (loaded from the database at start). */
    /** The private rooms' secrets for nginx edges, in the data directory. */
    static final String ROOM_SECRETS_MAP = "room-secrets.map";
    private final People people = new People();
    /** Speakers the rooms' hosts removed or banned (the bans loaded from the database at start). */
    private final dev.amphi.core.room.Bans bans = new dev.amphi.core.room.Bans();
    /** Private rooms' viewer links (their secrets loaded with the rooms). */
    private final ViewerLinks viewerLinks = new ViewerLinks(Clock.systemUTC());
    private PeopleStore peopleStore;
    private BanStore banStore;
    private JoinLinks joinLinks;
    private String adminToken;
    private HlsOrigin origin;
    private Vertx vertx;
    private HttpServers http;
    private io.vertx.ext.web.Router httpRouter;
    private Database database;
    private CommentHub comments;
    private CommentFeed commentFeed;
    private Webhooks webhooks;
    private WebhookEvents webhookEvents;
    private RtmpServer rtmp;
    private WebRtcSpeakers webrtc;
    private volatile boolean rtmpUp;
    private boolean closed;

    private AmphiServer(ServerConfig config, ProgramRoom.Starter programStarter, VertxOptions vertxOptions) {
        this.config = config;
        this.programStarter = programStarter;
        this.vertxOptions = vertxOptions;
    }

    /** Starts a server; on failure nothing stays bound. */
    public static AmphiServer start(ServerConfig config) throws Exception {
        return start(config, ProgramRoom.Starter.DEFAULT, new VertxOptions());
    }

    /**
     * {@link #start(ServerConfig)} with the composited rooms' programs started by {@code programStarter}
     * and a Vert.x of {@code vertxOptions} (tests: a slow start; a tighter blocked-thread checker).
     */
    static AmphiServer start(ServerConfig config, ProgramRoom.Starter programStarter, VertxOptions vertxOptions) throws Exception {
        AmphiServer s = new AmphiServer(config, programStarter, new VertxOptions(vertxOptions));
        try {
            s.startAll();
            return s;
        } catch (Exception | Error e) {
            s.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        lobbyKey = config.lobbyKey().isPresent() ? config.lobbyKey().get() : lobbyKeyFromDataDir();
        List<Room> all = new ArrayList<>();
        all.add(new Room(RoomRegistry.LOBBY, "Lobby", lobbyKey));
        all.addAll(config.rooms());
        rooms = RoomRegistry.of(all);
        rooms.addLiveListener((room, live) -> LOG.info("room {} is {}", room.name(), live ? "live" : "offline"));

        metrics = new ServerMetrics();
        worker = workerPool();
        origin = HlsOrigin.builder()
                .targetDuration(config.segmentDuration())
                .windowSize(config.playlistWindow())
                .maxStoreBytes(config.segmentStoreBytes())
                .build();
        for (Room room : rooms.rooms()) {
            RoomSettings s = config.program().forRoom(room.name());
            settings.put(room.name(), s);
            LOG.info("room {}: {}", room.name(), s.summary());
            if (s.mode() == ProgramConfig.RoomMode.COMPOSITE) {
                programs.put(room.name(), newProgramRoom(room, s));
            }
        }
        // rooms made through the API (at start-up from the database, later from the API) get a program each
        rooms.addRoomsListener(new RoomRegistry.RoomsListener() {
            @Override
            public void added(Room room) {
                ProgramRoom p = newProgramRoom(room, settingsOf(room.name()));
                programs.put(room.name(), p);
                if (metrics != null) {
                    metrics.bindPrograms(List.of(p));
                }
            }

            @Override
            public void removed(Room room) {
                ProgramRoom p = programs.remove(room.name());
                if (p != null) {
                    p.close(); // a worker's thread (the API's blocking call): the program's encoders are flushed here
                }
                if (metrics != null) {
                    metrics.unbindPrograms(room.name());
                }
            }
        });
        RoomPublishing publishing = new RoomPublishing(rooms, config.duplicatePolicy(), origin::sink, worker, programs, people);
        started.add(publishing);
        for (ProgramRoom p : programs.values()) { // demo speakers: --demo (the lobby's) or ROOM.demo
            int demo = settingsOf(p.room().name()).demoSpeakers();
            if (demo > 0) {
                p.startDemo(demo);
            }
        }

        webrtc = startWebRtc(programs);

        vertx = Vertx.vertx(vertxOptions);
        RoomProgramControl programControl = new RoomProgramControl(programs, this::disconnect);
        ProgramApi programApi = ProgramApi.of(rooms, programControl,
                new ProgramApi.Limits(config.audience().maxEventStreams(), ProgramApi.Limits.defaults().heartbeat(),
                        ProgramApi.Limits.defaults().maxBodyBytes()));
        ViewerEstimate viewerEstimate = new ViewerEstimate();
        programApi.viewers(viewerEstimate::estimate);
        metrics.bindProgramApi(programApi);
        boolean metricsApart = config.http().metricsPort() >= 0;
        database = openDatabase();
        Clock wall = Clock.systemUTC();
        // the token key is kept in the database: tokens outlive a restart and work on every node of one database
        byte[] tokenKey;
        try {
            tokenKey = new Secrets(database).get("viewer-token-key", 32);
            comments = new CommentHub(new CommentStore(database), room -> settingsOf(room).comments(),
                    room -> BlockedWords.of(settingsOf(room).blockedWords()), config.segmentDuration(),
                    COMMENT_WINDOW_HOLD, COMMENT_REMOVALS_KEPT, wall);
        } catch (Exception e) {
            throw new IOException("cannot read the comments' state from the database: " + e.getMessage(), e);
        }
        comments.listen(programApi.commentEvents());
        adminToken = adminToken();
        peopleStore = new PeopleStore(database, wall);
        serverRooms = new ServerRooms(rooms, new RoomStore(database, wall), config.program(), settings, programs, rooms.rooms(),
                StreamKeyStore.in(config.dataDir()), people, peopleStore);
        RoomSecretStore roomSecrets = new RoomSecretStore(database, wall);
        serverRooms.privacy(r -> {
            if (r.visibility() == RoomRecord.Visibility.PRIVATE) {
                viewerLinks.protect(r.name(), roomSecrets.get(r.name()));
            } else {
                viewerLinks.unprotect(r.name());
            }
        });
        viewerLinks.onChange(links -> {
            try {
                worker.execute(this::writeRoomSecretsMap);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.debug("the map of private rooms is not written: the server is stopping");
            }
        });
        try {
            serverRooms.loadStored();
            worker.execute(this::writeRoomSecretsMap); // also when no room is private: an edge can include it from the start
            for (Person p : peopleStore.all()) {
                people.put(p);
            }
            banStore = new BanStore(database);
            for (var ban : banStore.all()) {
                bans.put(ban);
            }
            BanStore forgetBans = banStore;
            serverRooms.forget(room -> {
                roomSecrets.delete(room);
                viewerLinks.unprotect(room);
                forgetBans.deleteRoom(room);
                bans.removeRoom(room);
                viewerEstimate.removeRoom(room);
            });
            joinLinks = new JoinLinks(new Secrets(database).get("join-link-key", 32), wall);
            // a host's own key or join link stands for the room's key (layout, moderation, the host's event stream)
            // and the admin token stands for every room's host
            AdminAuth admin = new AdminAuth(adminToken);
            rooms.hostCheck((room, credential) -> admin.holds("Bearer " + credential)
                    || people.byStreamKey(credential).or(() -> joinLinks.verify(credential, people))
                    .filter(p -> p.room().equals(room) && p.role() == Person.Role.HOST).isPresent());
        } catch (SQLException e) {
            throw new IOException("cannot read the rooms and their people from the database: " + e.getMessage(), e);
        }
        commentFeed = new CommentFeed(vertx, rooms, comments, COMMENT_WINDOWS_KEPT, COMMENT_PUBLISH_TICK);
        if (!config.hooks().urls().isEmpty()) {
            webhooks = new Webhooks(vertx, config.hooks().urls(), webhookSecret(), Webhooks.Settings.defaults(), wall);
            webhookEvents = new WebhookEvents(webhooks, rooms, programControl, comments);
            metrics.bindWebhooks(webhooks);
            LOG.info("webhooks: every event to {}", config.hooks().urls());
        }
        FloodControl.Limits flood = new FloodControl.Limits(FloodControl.Limits.defaults().viewer(), FloodControl.Limits.defaults().address(),
                new FloodControl.Rate(2 * config.audience().commentRoomRate(),
                        Duration.ofNanos(1_000_000_000L / config.audience().commentRoomRate())));
        // a playhead is never further behind live than the playlist reaches
        CommentsApi.Limits postLimits = new CommentsApi.Limits(CommentsApi.Limits.defaults().maxBodyBytes(),
                config.segmentDuration().multipliedBy(config.playlistWindow() + 1L), ClientAddress.behind(config.audience().trustedProxies()));
        CommentsApi commentsApi = new CommentsApi(vertx, rooms, comments, ViewerTokens.withKey(tokenKey, Duration.ofHours(24), wall),
                new FloodControl(flood, System::nanoTime), postLimits, wall);
        CommentModerationApi moderation = new CommentModerationApi(vertx, rooms, comments);
        CommentExportApi export = new CommentExportApi(vertx, rooms, new CommentStore(database), config.segmentDuration());
        var router = HttpFrontend.router(vertx, rooms, origin, metrics,
                new HttpFrontend.RtmpStatus(() -> rtmpUp, this::rtmpPort, this::rtmpsPort),
                new HttpFrontend.HttpStatus(this::httpPort, this::httpsPort), programApi, !metricsApart,
                RoomsApi.of(rooms, serverRooms, new AdminAuth(adminToken), vertx).viewers(viewerEstimate::estimate).viewerLinks(viewerLinks),
                List.of(new ViewerLinksApi(vertx, rooms, viewerLinks, roomSecrets, new AdminAuth(adminToken))::mount, // the gate first
                        commentFeed::mount, commentsApi::mount, moderation::mount, export::mount,
                        new WhipRoutes(rooms, webrtc, people, joinLinks)::mount,
                        new PresenceApi(rooms, viewerEstimate, metrics.viewerReports(), System::nanoTime)::mount,
                        new LiveSpeakersApi(vertx, rooms, programControl, bans, banStore, people, peopleStore, SpeakerNames::parse,
                                wall)::mount,
                        new SpeakersApi(vertx, rooms, people, peopleStore, joinLinks, new AdminAuth(adminToken), SpeakerNames::parse,
                                StreamKeyStore.in(config.dataDir()), p -> disconnect(p.room(), speakerIdOf(p.displayName()),
                                p.displayName() + "'s credentials were revoked"))::mount));
        serverRooms.disconnect((room, reason) -> disconnect(room, id -> true, reason));
        commentFeed.start();
        httpRouter = router;
        http = HttpServers.listen(vertx, config, router, metricsApart ? HttpFrontend.metricsRouter(vertx, metrics) : null,
                metrics.httpConnections());

        RtmpServer.Builder b = RtmpServer.builder()
                .bind(config.bind())
                .port(config.rtmpPort())
                .authorizer(publishing)
                .duplicatePolicy(config.duplicatePolicy())
                .maxMessageSize(config.limits().maxMessageSize())
                .maxChunkSize(config.limits().maxChunkSize())
                .handshakeTimeout(config.limits().handshakeTimeout())
                .idleTimeout(config.limits().idleTimeout())
                .ioThreads(config.limits().ioThreads())
                .readBatch(config.limits().readBatch())
                .maxConnections(config.limits().maxConnections())
                .maxConnectionsPerAddress(config.limits().maxConnectionsPerAddress())
                .publishTimeout(config.limits().publishTimeout())
                .failedPublishLimit(config.limits().maxFailedPublishes(), config.limits().failedPublishWindow())
                .listener(metrics);
        config.tls().ifPresent(t -> b.tls(t.port(), t.certificateChain(), t.privateKey()));
        try {
            rtmp = b.build().start();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) { // Netty rethrows a BindException undeclared
            throw new IOException("cannot listen for RTMP on " + config.bind() + ":" + config.rtmpPort()
                    + config.tls().map(t -> " / RTMPS port " + t.port()).orElse("") + ": " + e.getMessage(), e);
        }
        rtmpUp = true;
        metrics.bindRooms(rooms, publishing, rtmp::activePublishers);
        metrics.bindPrograms(List.copyOf(programs.values()));
        metrics.bindWebRtc(webrtc);
        LOG.info("Amphi started: RTMP {}:{}{}, HTTP {}:{}{}{}, {} room(s)", config.bind(), rtmpPort(),
                rtmpsPort() >= 0 ? ", RTMPS " + rtmpsPort() : "", config.bind(), httpPort(),
                httpsPort() >= 0 ? ", HTTPS " + httpsPort() : "",
                metricsPort() >= 0 ? ", metrics " + config.http().metricsBind().orElse(config.bind()) + ":" + metricsPort() : "",
                all.size());
    }

    /** Binds the WebRTC port (when on) for the composited rooms' WebRTC speakers. */
    private WebRtcSpeakers startWebRtc(Map<String, ProgramRoom> programs) throws IOException {
        ServerConfig.WebRtc w = config.webrtc();
        if (!w.enabled()) {
            LOG.info("WebRTC is off (--webrtc-udp-port off)");
            return new WebRtcSpeakers(null, programs, w.iceServers());
        }
        List<String> candidates = new ArrayList<>();
        for (String host : w.publicHosts()) {
            try {
                for (InetAddress a : InetAddress.getAllByName(host)) { // at start, before any event loop runs
                    if (!candidates.contains(a.getHostAddress()) && candidates.size() < 8) {
                        candidates.add(a.getHostAddress());
                    }
                }
            } catch (UnknownHostException e) {
                throw new IOException("--webrtc-public-host " + host + ": cannot resolve it: " + e.getMessage(), e);
            }
        }
        TransportOptions defaults = TransportOptions.defaults(w.udpPort());
        TransportOptions options = new TransportOptions(config.bind(), w.udpPort(), candidates,
                Math.max(defaults.maxPeers(), WEBRTC_MAX_PEERS), defaults.rembCapBps(), defaults.handshakeTimeout(),
                defaults.consentTimeout());
        WebRtcTransport transport;
        try {
            transport = WebRtcTransport.start(options);
        } catch (RuntimeException e) { // Netty rethrows a BindException undeclared
            throw new IOException("cannot listen for WebRTC on UDP " + config.bind() + ":" + w.udpPort() + ": " + e.getMessage()
                    + " (--webrtc-udp-port PORT, or off)", e);
        }
        WebRtcSpeakers speakers = new WebRtcSpeakers(transport, programs, w.iceServers());
        LOG.info("WebRTC on UDP {}:{}, clients told {}{}", config.bind(), transport.port(), transport.candidateAddresses(),
                w.iceServers().isEmpty() ? "" : ", ICE servers " + w.iceServers());
        return speakers;
    }

    /** The comments' database: --database-url, or an SQLite file in the data directory (opened and migrated here, blocking). */
    private Database openDatabase() throws IOException {
        try {
            return config.databaseUrl().isPresent() ? Database.open(config.databaseUrl().get(), null, null)
                    : Database.embedded(config.dataDir().resolve("amphi.db"));
        } catch (SQLException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** {@code --admin-token}, or the one kept in the data directory (generated, and shown once, the first time). */
    private String adminToken() throws IOException {
        return config.adminToken().isPresent() ? config.adminToken().get()
                : keptSecret("admin-token", "admin token", "the rooms API takes it as 'Authorization: Bearer TOKEN'");
    }

    /** {@code --webhook-secret}, or the one kept in the data directory (generated, and shown once, the first time). */
    private byte[] webhookSecret() throws IOException {
        return (config.hooks().secret().isPresent() ? config.hooks().secret().get()
                : keptSecret("webhook-secret", "webhook secret", "give it to the receivers, which check the Amphi-Signature header with it"))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The secret kept in the data directory's file {@code file}; logged once, when this start made it. */
    private String keptSecret(String file, String what, String use) throws IOException {
        StreamKeyStore.Kept kept;
        try {
            kept = StreamKeyStore.in(config.dataDir()).secret(file);
        } catch (IOException e) {
            throw new IOException("cannot keep the " + what + " in --data-dir " + config.dataDir().toAbsolutePath() + ": "
                    + e.getMessage(), e);
        }
        if (kept.created()) {
            LOG.info("{} generated: {} (kept in {}; shown only this once: {})", what, kept.value(),
                    config.dataDir().resolve(file).toAbsolutePath(), use);
        }
        return kept.value();
    }

    private String lobbyKeyFromDataDir() throws IOException {
        try {
            return StreamKeyStore.in(config.dataDir()).keyFor(RoomRegistry.LOBBY);
        } catch (IOException e) {
            throw new IOException("cannot keep the lobby's stream key in --data-dir " + config.dataDir().toAbsolutePath()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Closes the connections (RTMP publishers, WebRTC sessions) of {@code room} whose speaker id
     * {@code which} accepts (a listener's id is ""); from any thread.
     */
    int disconnect(String room, java.util.function.Predicate<String> which, String reason) {
        int n = 0;
        RtmpServer r = rtmp;
        if (r != null) {
            n += r.kick(stream -> stream.startsWith(room + "/") && which.test(stream.substring(room.length() + 1)), reason);
        }
        if (webrtc != null) {
            n += webrtc.kick(room, id -> which.test(id == null ? "" : id));
        }
        if (n > 0) {
            LOG.info("room {}: {} connection(s) closed: {}", room, n, reason);
        }
        return n;
    }

    /**
     * Writes the private rooms' secrets as nginx map lines to the data directory's
     * {@value #ROOM_SECRETS_MAP} (readable by its owner only), for an edge on this machine to include;
     * a worker thread, the latest state each time.
     */
    private synchronized void writeRoomSecretsMap() {
        Path file = config.dataDir().resolve(ROOM_SECRETS_MAP);
        try {
            Path tmp = Files.createTempFile(config.dataDir(), ".room-secrets", ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the data directory's own protection applies
            }
            Files.writeString(tmp, viewerLinks.nginxMap());
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.error("cannot write the edge's map of private rooms {}: {}", file, e.toString());
        }
    }

    /** Someone's speaker ids in a program: their name's, and their screen share's. */
    private static java.util.function.Predicate<String> speakerIdOf(String displayName) {
        String id = displayName.toLowerCase(java.util.Locale.ROOT);
        String screen = ScreenShares.screenIdOf(id);
        return x -> x.equals(id) || x.equals(screen);
    }

    /** A room's settings: its flags', or the API's for a room made through it. */
    private RoomSettings settingsOf(String room) {
        RoomSettings s = settings.get(room);
        if (s == null) {
            throw new IllegalArgumentException("no settings for room '" + room + "'");
        }
        return s;
    }

    /** A composited room's program holder, with the executors all programs share (made with the first). */
    private synchronized ProgramRoom newProgramRoom(Room room, RoomSettings s) {
        if (decoders == null) {
            decoders = namedPool("amphi-decode-", Math.max(1, Runtime.getRuntime().availableProcessors()));
            timer = Executors.newScheduledThreadPool(1, r -> {
                Thread t = new Thread(r, "amphi-timer");
                t.setDaemon(true);
                return t;
            });
            // programs open their encoders here, never on an event loop; rooms start side by side
            programStarts = namedPool("amphi-program-start-", 4);
            ((ThreadPoolExecutor) programStarts).allowCoreThreadTimeOut(true); // starts are rare
            timer.scheduleWithFixedDelay(() -> {
                for (ProgramRoom p : programs.values()) {
                    try {
                        p.idleCheck(System.nanoTime());
                    } catch (RuntimeException e) {
                        LOG.warn("idle check of {} failed: {}", p, e.toString());
                    }
                }
            }, 5, 5, TimeUnit.SECONDS);
        }
        return new ProgramRoom(room, rooms, origin, s, config.segmentDuration(), decoders, timer, programStarts, programStarter, bans);
    }

    private static ExecutorService workerPool() {
        return namedPool("amphi-hls-", Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    private static ExecutorService namedPool(String prefix, int threads) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The HTTP port's routes (tests: every API route is in the OpenAPI document). */
    List<io.vertx.ext.web.Route> httpRoutes() {
        return httpRouter.getRoutes();
    }

    /** The composited rooms (empty when every room passes through). */
    List<ProgramRoom> programRooms() {
        return rooms.rooms().stream().map(r -> programs.get(r.name())).filter(java.util.Objects::nonNull).toList();
    }

    public RoomRegistry rooms() {
        return rooms;
    }

    public String lobbyKey() {
        return lobbyKey;
    }

    public int httpPort() {
        return http == null ? -1 : http.httpPort();
    }

    /** The HTTPS port; -1 without a certificate or with {@code --https-port off}. */
    public int httpsPort() {
        return http == null ? -1 : http.httpsPort();
    }

    /** The port of the listener serving {@code /metrics} alone; -1 when the HTTP port serves it. */
    public int metricsPort() {
        return http == null ? -1 : http.metricsPort();
    }

    /** The WebRTC UDP port; -1 when WebRTC is off. */
    public int webrtcPort() {
        return webrtc == null || webrtc.transport() == null ? -1 : webrtc.transport().port();
    }

    /** The WebRTC sessions (tests). */
    WebRtcSpeakers webrtc() {
        return webrtc;
    }

    public int rtmpPort() {
        return rtmp == null ? -1 : rtmp.port();
    }

    public int rtmpsPort() {
        return rtmp == null ? -1 : rtmp.tlsPort();
    }

    /** The host printed in URLs. */
    public String publicHost() {
        return config.publicHost().orElseGet(() -> PublicHost.forBind(config.bind()));
    }

    /** Prints the publish and watch URLs, one per line. */
    public void printUrls(PrintStream out) {
        String host = publicHost();
        out.println("RTMP publish: rtmp://" + host + ":" + rtmpPort() + "/live/" + lobbyKey);
        if (rtmpsPort() >= 0) {
            out.println("RTMPS publish: rtmps://" + host + ":" + rtmpsPort() + "/live/" + lobbyKey);
        }
        out.println("Watch: http://" + host + ":" + httpPort() + "/watch/" + RoomRegistry.LOBBY);
        if (httpsPort() >= 0) {
            out.println("Watch over HTTPS: https://" + host + ":" + httpsPort() + "/watch/" + RoomRegistry.LOBBY);
        }
        if (webrtcPort() >= 0 && programs.containsKey(RoomRegistry.LOBBY)) {
            // browsers give pages the camera only on https or localhost
            out.println("Speak from a browser: " + (httpsPort() >= 0 ? "https://" + host + ":" + httpsPort() : "http://" + host + ":" + httpPort())
                    + "/join/" + RoomRegistry.LOBBY + " (WebRTC on UDP " + webrtcPort() + ")");
            out.println("WHIP publish (OBS: Service WHIP, Bearer Token = the key): http://" + host + ":" + httpPort() + "/api/rooms/"
                    + RoomRegistry.LOBBY + "/whip");
        }
        if (!config.rooms().isEmpty()) {
            out.println("Rooms: " + config.rooms().size() + " more configured, listed at http://" + host + ":" + httpPort() + "/api/rooms");
        }
        out.flush();
    }

    /** Shuts down in order; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        rtmpUp = false;
        if (rtmp != null) {
            quietly("RTMP server", rtmp::close);
        }
        if (webrtc != null) {
            quietly("WebRTC", webrtc::close);
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        for (ProgramRoom p : programs.values()) {
            quietly(p.toString(), p::close);
        }
        if (programStarts != null) {
            programStarts.shutdownNow();
        }
        if (decoders != null) {
            decoders.shutdownNow();
        }
        if (worker != null) {
            worker.shutdown();
            try {
                if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warn("HLS workers still busy after 5 s; stopping them");
                    worker.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                worker.shutdownNow();
            }
        }
        for (AutoCloseable c : started) {
            quietly(c.toString(), c::close);
        }
        if (origin != null) {
            quietly("HLS origin", origin::close);
        }
        if (commentFeed != null) {
            quietly("comment feed", commentFeed::close);
        }
        if (webhookEvents != null) {
            quietly("webhook events", webhookEvents::close);
        }
        if (webhooks != null) {
            quietly("webhooks", webhooks::close);
        }
        if (vertx != null) {
            quietly("Vert.x", () -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        }
        if (database != null) {
            quietly("database", database::close);
        }
        if (metrics != null) {
            quietly("metrics", metrics::close);
        }
        LOG.info("Amphi stopped");
    }

    private static void quietly(String what, AutoCloseable action) {
        try {
            action.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", what, e.toString());
        }
    }
}
