package dev.amphi.server;

import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import dev.amphi.ingest.rtmp.RtmpServer.DuplicatePolicy;
import dev.amphi.ingest.webrtc.whip.IceServer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar amphi.jar [options]}: starts the server, prints where to publish and watch,
 * and runs until SIGTERM/SIGINT, on which it shuts down cleanly.
 */
@Command(name = "amphi", mixinStandardHelpOptions = true, sortOptions = false, versionProvider = VersionProvider.class,
        description = "Live streaming server: RTMP in, HLS out, web player.%n"
                + "Every option can also be set with an AMPHI_* environment variable (--http-port: AMPHI_HTTP_PORT) "
                + "or a key in the --config properties file (http-port=8080). Flags win over the environment, "
                + "the environment over the file.")
public final class Main {

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with option values (env: AMPHI_CONFIG).")
    Path config;

    @Option(names = "--http-port", defaultValue = "8080", paramLabel = "PORT", description = "HTTP port (player, API, HLS). Default: ${DEFAULT-VALUE}.")
    int httpPort;

    @Option(names = "--rtmp-port", defaultValue = "1935", paramLabel = "PORT", description = "RTMP port. Default: ${DEFAULT-VALUE}.")
    int rtmpPort;

    @Option(names = "--bind", defaultValue = "0.0.0.0", paramLabel = "ADDRESS", description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
    String bind;

    @Option(names = "--public-host", paramLabel = "HOST", description = "Host name printed in URLs. Default: the bind address, or this machine's address when binding 0.0.0.0.")
    String publicHost;

    @Option(names = "--data-dir", defaultValue = "./amphi-data", paramLabel = "DIR", description = "Where generated stream keys are kept. Default: ${DEFAULT-VALUE}.")
    Path dataDir;

    @Option(names = "--lobby-key", paramLabel = "KEY", description = "Stream key of the lobby, at least 16 characters. "
            + "Default: generated once (24 random characters), kept in the data dir.")
    String lobbyKey;

    @Option(names = "--room", paramLabel = "NAME=KEY", split = ",", converter = Values.RoomConverter.class,
            description = "An extra room (repeatable; NAME matches [a-z0-9-]{1,64}, KEY has at least 16 characters; "
                    + "NAME=KEY=Title sets a title). "
                    + "In the environment or the file: comma-separated.")
    List<Room> rooms = new ArrayList<>();

    @Option(names = "--rtmps-port", defaultValue = "1936", paramLabel = "PORT", description = "RTMPS port, used when --tls-cert and --tls-key are given. Default: ${DEFAULT-VALUE}.")
    int rtmpsPort;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Certificate chain (PEM) for RTMPS and HTTPS.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key (PKCS#8 PEM) for RTMPS and HTTPS.")
    Path tlsKey;

    @Option(names = "--https-port", defaultValue = "8443", paramLabel = "PORT|off",
            description = "HTTPS port (the same routes as HTTP), used when --tls-cert and --tls-key are given; off: no HTTPS. "
                    + "Default: ${DEFAULT-VALUE}.")
    String httpsPort;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve /metrics on a listener of its own on this port (and no longer on the HTTP(S) port). "
                    + "Default: /metrics on the HTTP port.")
    Integer metricsPort;

    @Option(names = "--database-url", paramLabel = "JDBC_URL",
            description = "Where viewers' comments are kept: a JDBC URL. Default: an SQLite file, amphi.db in --data-dir.")
    String databaseUrl;

    @Option(names = "--metrics-bind", paramLabel = "ADDRESS",
            description = "Address of the --metrics-port listener, e.g. 127.0.0.1. Default: the --bind address.")
    String metricsBind;

    @Option(names = "--http-header-timeout", defaultValue = "60s", converter = Values.DurationConverter.class, paramLabel = "DURATION",
            description = "An HTTP request's headers must be complete within this, or the connection is closed. Default: ${DEFAULT-VALUE}.")
    Duration httpHeaderTimeout;

    @Option(names = "--http-keep-alive-timeout", defaultValue = "75s", converter = Values.DurationConverter.class, paramLabel = "DURATION",
            description = "An HTTP connection waiting this long for its next request is closed. Default: ${DEFAULT-VALUE}.")
    Duration httpKeepAliveTimeout;

    @Option(names = "--http-body-timeout", defaultValue = "60s", converter = Values.DurationConverter.class, paramLabel = "DURATION",
            description = "An HTTP request's body must be complete within this after its headers, or the connection is closed. "
                    + "Default: ${DEFAULT-VALUE}.")
    Duration httpBodyTimeout;

    @Option(names = "--duplicate-publisher", defaultValue = "take-over", paramLabel = "take-over|refuse",
            description = "A second publisher on a live room takes over (the old one is closed) or is refused. Default: ${DEFAULT-VALUE}.")
    String duplicatePublisher;

    @Option(names = "--segment-duration", defaultValue = "2s", converter = Values.DurationConverter.class, paramLabel = "DURATION",
            description = "HLS target segment duration (cut at the next keyframe). Default: ${DEFAULT-VALUE}.")
    Duration segmentDuration;

    @Option(names = "--playlist-window", defaultValue = "8", paramLabel = "N", description = "Segments in a live playlist. Default: ${DEFAULT-VALUE}.")
    int playlistWindow;

    @Option(names = "--segment-store-size", defaultValue = "512MiB", converter = Values.SizeConverter.class, paramLabel = "SIZE",
            description = "Upper bound on the memory for HLS segments that left the playlist (kept (window + 1) x segment duration, as RFC 8216 asks, for late players and CDNs); segments a playlist lists are always kept. Default: ${DEFAULT-VALUE}.")
    long segmentStoreBytes;

    @Option(names = "--max-message-size", defaultValue = "8MiB", converter = Values.SizeConverter.class, paramLabel = "SIZE",
            description = "Largest RTMP message accepted. Default: ${DEFAULT-VALUE}.")
    long maxMessageSize;

    @Option(names = "--max-chunk-size", defaultValue = "1MiB", converter = Values.SizeConverter.class, paramLabel = "SIZE",
            description = "Largest RTMP chunk size a publisher may set. Default: ${DEFAULT-VALUE}.")
    long maxChunkSize;

    @Option(names = "--handshake-timeout", defaultValue = "10s", converter = Values.DurationConverter.class, paramLabel = "DURATION",
            description = "Time allowed for the RTMP handshake. Default: ${DEFAULT-VALUE}.")
    Duration handshakeTimeout;

    @Option(names = "--idle-timeout", defaultValue = "30s", converter = Values.DurationConverter.class, paramLabel = "DURATION",
            description = "A publishing RTMP connection that sends no audio or video this long is closed (other bytes do not "
                    + "count). Default: ${DEFAULT-VALUE}.")
    Duration idleTimeout;

    @Option(names = "--rtmp-publish-timeout", defaultValue = "10s", converter = Values.DurationConverter.class, paramLabel = "DURATION",
            description = "An RTMP connection that has not started publishing this long after its handshake is closed. "
                    + "Default: ${DEFAULT-VALUE}.")
    Duration rtmpPublishTimeout;

    @Option(names = "--rtmp-max-failed-publishes", defaultValue = "10", paramLabel = "N",
            description = "Wrong stream keys one IP address may try within --rtmp-failed-publish-window; its further "
                    + "attempts are refused until that window is over; 0: no limit. Default: ${DEFAULT-VALUE}.")
    int rtmpMaxFailedPublishes;

    @Option(names = "--rtmp-failed-publish-window", defaultValue = "60s", converter = Values.DurationConverter.class,
            paramLabel = "DURATION", description = "See --rtmp-max-failed-publishes. Default: ${DEFAULT-VALUE}.")
    Duration rtmpFailedPublishWindow;

    @Option(names = "--rtmp-max-connections", defaultValue = "1000", paramLabel = "N",
            description = "Most RTMP and RTMPS connections open at once; one more is closed before its handshake. "
                    + "Default: ${DEFAULT-VALUE}.")
    int rtmpMaxConnections;

    @Option(names = "--rtmp-max-connections-per-address", defaultValue = "100", paramLabel = "N",
            description = "Most RTMP connections open at once from one IP address; 0: no limit. Speakers behind one "
                    + "NAT (an office, a campus) share an address: raise it where more of them publish at once. "
                    + "Default: ${DEFAULT-VALUE}.")
    int rtmpMaxConnectionsPerAddress;

    @Option(names = "--rtmp-threads", defaultValue = "0", paramLabel = "N",
            description = "Event-loop threads for RTMP connections; 0: automatic (2 x cores). Default: ${DEFAULT-VALUE}.")
    int rtmpThreads;

    @Option(names = "--rtmp-read-batch", defaultValue = "40ms", converter = Values.DurationConverter.class, paramLabel = "DURATION",
            description = "How long a publisher's bytes may wait in the kernel to be read in fewer, larger reads (Linux epoll; "
                    + "a message waits at most about 4x this); 0 reads every piece at once. Default: ${DEFAULT-VALUE}.")
    Duration rtmpReadBatch;

    @Option(names = "--room-mode", defaultValue = "composite", paramLabel = "composite|passthrough",
            description = "What rooms do with publishers: composite every speaker into one program encoded as a ladder, "
                    + "or pass one publisher's own H.264/AAC through. Default: ${DEFAULT-VALUE}.")
    String roomMode;

    @Option(names = "--passthrough", paramLabel = "ROOM", split = ",",
            description = "Room(s) that pass their publisher through whatever --room-mode says; repeatable. "
                    + "Shorthand for --room-setting ROOM.mode=passthrough.")
    List<String> passthrough = new ArrayList<>();

    @Option(names = "--demo", defaultValue = "0", paramLabel = "N",
            description = "Start the lobby with N synthetic speakers (moving colours, tones, speaking in turns); "
                    + "other rooms: --room-setting ROOM.demo=N. Default: ${DEFAULT-VALUE}.")
    String demo;

    @Option(names = "--canvas", defaultValue = "1920x1080", paramLabel = "WxH", description = "Program picture size. Default: ${DEFAULT-VALUE}.")
    String canvas;

    @Option(names = "--fps", defaultValue = "30", paramLabel = "N", description = "Program frame rate. Default: ${DEFAULT-VALUE}.")
    String fps;

    @Option(names = "--ladder", paramLabel = "NAME:WxH:BITRATE", split = ",",
            description = "Video rungs, highest first, e.g. 720p:1280x720:3000k,360p:640x360:700k. "
                    + "Default: 1080p 6000k, 720p 3000k, 480p 1200k, 360p 700k.")
    List<String> ladder = new ArrayList<>();

    @Option(names = "--video-codec", defaultValue = "libx264", paramLabel = "libx264|libopenh264|h264_nvenc",
            description = "H.264 encoder of the ladder (h264_nvenc needs an NVIDIA GPU). Default: ${DEFAULT-VALUE}.")
    String videoCodec;

    @Option(names = "--preset", paramLabel = "PRESET",
            description = "Encoder preset (x264: ultrafast..veryslow). Default: chosen from the core count and logged.")
    String preset;

    @Option(names = "--layout", defaultValue = "gallery", paramLabel = "gallery|speaker|presentation:ID",
            description = "Layout a room's program starts with. Default: ${DEFAULT-VALUE}.")
    String layout;

    @Option(names = "--mix-loudest", defaultValue = "3", paramLabel = "N", description = "Loudest speakers in the audio mix. Default: ${DEFAULT-VALUE}.")
    String mixLoudest;

    @Option(names = "--max-speakers", defaultValue = "300", paramLabel = "N", description = "Speakers a room admits (at most 300). Default: ${DEFAULT-VALUE}.")
    String maxSpeakers;

    @Option(names = "--audio-bitrate", defaultValue = "128k", paramLabel = "BITRATE", description = "AAC bitrate of the program. Default: ${DEFAULT-VALUE}.")
    String audioBitrate;

    @Option(names = "--comments", defaultValue = "text", paramLabel = "text|emoji|off",
            description = "What viewers may comment: any text, emoji only, or nothing (reactions too); per room: "
                    + "--room-setting ROOM.comments=emoji. Default: ${DEFAULT-VALUE}.")
    String comments;

    @Option(names = "--blocked-words", defaultValue = "", paramLabel = "WORD,WORD",
            description = "Comments containing any of these words or phrases (ignoring case and width) are refused; "
                    + "per room: --room-setting ROOM.blocked-words=... Default: none.")
    String blockedWords;

    @Option(names = "--comments-slow-mode", defaultValue = "0s", paramLabel = "DURATION",
            description = "A viewer comments at most once per this interval (whole seconds, at most 10m); 0s: off. "
                    + "Per room: ROOM.comments-slow-mode. Moderators change it live. Default: ${DEFAULT-VALUE}.")
    String commentsSlowMode;

    @Option(names = "--comments-hold", defaultValue = "off", paramLabel = "on|off",
            description = "Hold every comment until a moderator approves it. Per room: ROOM.comments-hold. "
                    + "Default: ${DEFAULT-VALUE}.")
    String commentsHold;

    @Option(names = "--comment-room-rate", defaultValue = "200", paramLabel = "N",
            description = "Most comments a room takes per second from all its viewers (bursts of twice as many); "
                    + "each viewer: a burst of 3, then one per 2 s. Default: ${DEFAULT-VALUE}.")
    int commentRoomRate;

    @Option(names = "--max-event-streams", defaultValue = "1000", paramLabel = "N",
            description = "Event streams (/api/rooms/ROOM/events: hosts' consoles, pages following a room) open at once "
                    + "over all rooms; one more gets 503 with Retry-After. Default: ${DEFAULT-VALUE}.")
    int maxEventStreams;

    @Option(names = "--trusted-proxies", paramLabel = "ADDRESS,ADDRESS", split = ",",
            description = "Proxies in front of Amphi (the caching edge) whose X-Forwarded-For names the viewer, for "
                    + "per-address comment limits; from anyone else the header is ignored. Default: none.")
    List<String> trustedProxies = new ArrayList<>();

    @Option(names = "--webrtc-udp-port", defaultValue = "8189", paramLabel = "PORT|off",
            description = "The one UDP port of every WebRTC speaker (ICE, DTLS-SRTP, RTP); off: no WebRTC (WHIP answers 503). "
                    + "Default: ${DEFAULT-VALUE}.")
    String webrtcUdpPort;

    @Option(names = "--webrtc-public-host", paramLabel = "ADDRESS,ADDRESS", split = ",",
            description = "Addresses (IP or host name, resolved at start) WebRTC clients are told to send to: the public "
                    + "address behind NAT. Default: the bind address, or this machine's addresses when binding 0.0.0.0.")
    List<String> webrtcPublicHosts = new ArrayList<>();

    @Option(names = "--ice-servers", paramLabel = "URL[;username=U;credential=C],...",
            description = "STUN/TURN servers handed to WebRTC clients (WHIP Link headers, the speaker page), e.g. "
                    + "turn:turn.example.net:3478?transport=udp;username=amphi;credential=secret. Default: none.")
    String iceServers = "";

    @Option(names = "--admin-token", paramLabel = "TOKEN",
            description = "The administrator's token for the rooms API (Authorization: Bearer TOKEN), at least 16 characters. "
                    + "Default: generated on first start, kept in --data-dir as admin-token and printed once.")
    String adminToken;

    @Option(names = "--webhook", paramLabel = "URL,URL", split = ",",
            description = "URLs that receive every event as a signed JSON POST (room.live, room.ended, speaker.joined, "
                    + "speaker.left, comment.flagged), retried with backoff; see the README's Webhooks. Default: none.")
    List<String> webhooks = new ArrayList<>();

    @Option(names = "--webhook-secret", paramLabel = "SECRET",
            description = "Key of the webhooks' HMAC-SHA256 signature, at least 16 characters. Default: generated on "
                    + "first start, kept in --data-dir as webhook-secret and printed once.")
    String webhookSecret;

    @Option(names = "--room-setting", paramLabel = "ROOM.KEY=VALUE",
            description = "A program setting of one room, overriding the global flag of the same name (repeatable). "
                    + "KEY: mode, ladder, canvas, fps, layout, video-codec, preset, mix-loudest, max-speakers, audio-bitrate, "
                    + "demo, comments, blocked-words, comments-slow-mode, comments-hold; e.g. panel.ladder=720p:1280x720:3000k,360p:640x360:700k. Several may be separated by commas "
                    + "(as the environment and the file must): a comma followed by ROOM.KEY= starts the next one.")
    List<String> roomSettings = new ArrayList<>();

    /** The configuration these parsed options describe. */
    ServerConfig toConfig() {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("RTMPS and HTTPS need both --tls-cert and --tls-key");
        }
        Optional<ServerConfig.Tls> tls = tlsCert == null ? Optional.empty()
                : Optional.of(new ServerConfig.Tls(rtmpsPort, tlsCert, tlsKey));
        DuplicatePolicy policy = switch (duplicatePublisher.strip().toLowerCase(Locale.ROOT)) {
            case "take-over", "takeover", "take_over" -> DuplicatePolicy.TAKE_OVER;
            case "refuse" -> DuplicatePolicy.REFUSE;
            default -> throw new IllegalArgumentException("--duplicate-publisher must be take-over or refuse, was '" + duplicatePublisher + "'");
        };
        ServerConfig.RtmpLimits limits = new ServerConfig.RtmpLimits(toInt("--max-message-size", maxMessageSize),
                toInt("--max-chunk-size", maxChunkSize), handshakeTimeout, idleTimeout, rtmpThreads, rtmpReadBatch,
                rtmpMaxConnections, rtmpMaxConnectionsPerAddress, rtmpPublishTimeout, rtmpMaxFailedPublishes,
                rtmpFailedPublishWindow);
        return new ServerConfig(bind, httpPort, rtmpPort, tls, dataDir, Optional.ofNullable(lobbyKey).filter(k -> !k.isBlank()),
                rooms, policy, segmentDuration, playlistWindow, segmentStoreBytes, limits,
                Optional.ofNullable(publicHost).filter(h -> !h.isBlank()), programConfig(), httpListeners(),
                Optional.ofNullable(databaseUrl).map(String::strip).filter(u -> !u.isEmpty()),
                new ServerConfig.Audience(commentRoomRate, maxEventStreams,
                        trustedProxies.stream().map(String::strip).filter(p -> !p.isEmpty()).toList()),
                webrtc(), hooks(), Optional.ofNullable(adminToken).map(String::strip).filter(t -> !t.isEmpty()));
    }

    private ServerConfig.Hooks hooks() {
        List<java.net.URI> urls = new ArrayList<>();
        for (String w : webhooks) {
            String u = w.strip();
            if (u.isEmpty()) {
                continue;
            }
            try {
                urls.add(new java.net.URI(u));
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("--webhook '" + u + "' is not a URL: " + e.getReason());
            }
        }
        return new ServerConfig.Hooks(urls, Optional.ofNullable(webhookSecret).map(String::strip).filter(k -> !k.isEmpty()));
    }

    private ServerConfig.WebRtc webrtc() {
        int port;
        if (webrtcUdpPort.strip().equalsIgnoreCase("off")) {
            port = -1;
        } else {
            try {
                port = Integer.parseInt(webrtcUdpPort.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--webrtc-udp-port must be a port or off, was '" + webrtcUdpPort + "'");
            }
            if (port < 0) {
                throw new IllegalArgumentException("--webrtc-udp-port must be between 0 and 65535 or off, was " + port);
            }
        }
        List<IceServer> servers;
        try {
            servers = IceServer.parseList(iceServers);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--ice-servers: " + e.getMessage(), e);
        }
        return new ServerConfig.WebRtc(port, webrtcPublicHosts.stream().map(String::strip).filter(h -> !h.isEmpty()).toList(), servers);
    }

    private ServerConfig.HttpListeners httpListeners() {
        int https;
        if (httpsPort.strip().equalsIgnoreCase("off")) {
            https = -1;
        } else {
            try {
                https = Integer.parseInt(httpsPort.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--https-port must be a port or off, was '" + httpsPort + "'");
            }
            if (https < 0) {
                throw new IllegalArgumentException("--https-port must be between 0 and 65535 or off, was " + https);
            }
        }
        return new ServerConfig.HttpListeners(https, metricsPort == null ? -1 : metricsPort,
                Optional.ofNullable(metricsBind), new HttpTimeouts.Limits(httpHeaderTimeout, httpKeepAliveTimeout, httpBodyTimeout));
    }

    /** Every room's program settings: the global flags, then --passthrough, then the room's --room-setting entries. */
    private ProgramConfig programConfig() {
        Map<RoomSettings.Key, String> globals = new EnumMap<>(RoomSettings.Key.class);
        globals.put(RoomSettings.Key.MODE, roomMode);
        globals.put(RoomSettings.Key.CANVAS, canvas);
        globals.put(RoomSettings.Key.FPS, fps);
        globals.put(RoomSettings.Key.LADDER, String.join(",", ladder));
        globals.put(RoomSettings.Key.VIDEO_CODEC, videoCodec);
        if (preset != null) {
            globals.put(RoomSettings.Key.PRESET, preset);
        }
        globals.put(RoomSettings.Key.LAYOUT, layout);
        globals.put(RoomSettings.Key.MIX_LOUDEST, mixLoudest);
        globals.put(RoomSettings.Key.MAX_SPEAKERS, maxSpeakers);
        globals.put(RoomSettings.Key.AUDIO_BITRATE, audioBitrate);
        globals.put(RoomSettings.Key.DEMO, demo);
        globals.put(RoomSettings.Key.COMMENTS, comments);
        globals.put(RoomSettings.Key.BLOCKED_WORDS, blockedWords);
        globals.put(RoomSettings.Key.COMMENTS_SLOW_MODE, commentsSlowMode);
        globals.put(RoomSettings.Key.COMMENTS_HOLD, commentsHold);
        List<String> names = new ArrayList<>();
        names.add(RoomRegistry.LOBBY);
        rooms.forEach(r -> names.add(r.name()));
        return RoomSettingsResolver.resolve(globals, names, passthrough, roomSettings);
    }

    private static int toInt(String flag, long bytes) {
        if (bytes < 1 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(flag + " must be between 1 byte and 2 GiB, was " + bytes);
        }
        return (int) bytes;
    }

    /**
     * Parses {@code args} with {@code env} as the environment.
     *
     * @return the configuration, or empty when help or the version was printed
     * @throws CommandLine.ParameterException for a bad flag or value
     * @throws IllegalArgumentException       for an inconsistent configuration
     */
    static Optional<ServerConfig> parse(String[] args, Map<String, String> env, PrintStream out) {
        Main options = new Main();
        CommandLine cli = new CommandLine(options);
        cli.setDefaultValueProvider(ConfigDefaults.of(env, configFile(args, env)));
        cli.parseArgs(args);
        if (cli.isUsageHelpRequested()) {
            cli.usage(out);
            return Optional.empty();
        }
        if (cli.isVersionHelpRequested()) {
            cli.printVersionHelp(out);
            return Optional.empty();
        }
        return Optional.of(options.toConfig());
    }

    /** The --config file must be known before parsing, since it supplies defaults. */
    private static Properties configFile(String[] args, Map<String, String> env) {
        String path = env.get("AMPHI_CONFIG");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                path = args[i + 1];
            } else if (args[i].startsWith("--config=")) {
                path = args[i].substring("--config=".length());
            }
        }
        return path == null || path.isBlank() ? new Properties() : ConfigDefaults.load(Path.of(path));
    }

    public static void main(String[] args) {
        Optional<ServerConfig> config;
        try {
            config = parse(args, System.getenv(), System.out);
        } catch (CommandLine.ParameterException | IllegalArgumentException e) {
            System.err.println("amphi: " + e.getMessage());
            System.err.println("Try 'java -jar amphi.jar --help'.");
            System.exit(2);
            return;
        }
        if (config.isEmpty()) {
            return;
        }
        AmphiServer server;
        try {
            server = AmphiServer.start(config.get());
        } catch (Exception e) {
            System.err.println("amphi: cannot start: " + e.getMessage());
            org.slf4j.LoggerFactory.getLogger(Main.class).debug("start failed", e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicReference<AmphiServer> running = new AtomicReference<>(server);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            AmphiServer s = running.getAndSet(null);
            if (s != null) {
                s.close();
            }
            stopped.countDown();
            if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback) {
                logback.stop(); // flush appenders
            }
        }, "amphi-shutdown"));
        server.printUrls(System.out);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
