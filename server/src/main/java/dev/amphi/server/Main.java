package dev.amphi.server;

import dev.amphi.core.room.Room;
import dev.amphi.ingest.rtmp.RtmpServer.DuplicatePolicy;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

    @Option(names = "--lobby-key", paramLabel = "KEY", description = "Stream key of the lobby. Default: generated once, kept in the data dir.")
    String lobbyKey;

    @Option(names = "--room", paramLabel = "NAME=KEY", split = ",", converter = Values.RoomConverter.class,
            description = "An extra room (repeatable; NAME matches [a-z0-9-]{1,64}; NAME=KEY=Title sets a title). "
                    + "In the environment or the file: comma-separated.")
    List<Room> rooms = new ArrayList<>();

    @Option(names = "--rtmps-port", defaultValue = "1936", paramLabel = "PORT", description = "RTMPS port, used when --tls-cert and --tls-key are given. Default: ${DEFAULT-VALUE}.")
    int rtmpsPort;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Certificate chain (PEM) for RTMPS.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key (PKCS#8 PEM) for RTMPS.")
    Path tlsKey;

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
            description = "An RTMP connection silent this long is closed. Default: ${DEFAULT-VALUE}.")
    Duration idleTimeout;

    @Option(names = "--rtmp-threads", defaultValue = "0", paramLabel = "N",
            description = "Event-loop threads for RTMP connections; 0: automatic (2 x cores). Default: ${DEFAULT-VALUE}.")
    int rtmpThreads;

    /** The configuration these parsed options describe. */
    ServerConfig toConfig() {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("RTMPS needs both --tls-cert and --tls-key");
        }
        Optional<ServerConfig.Tls> tls = tlsCert == null ? Optional.empty()
                : Optional.of(new ServerConfig.Tls(rtmpsPort, tlsCert, tlsKey));
        DuplicatePolicy policy = switch (duplicatePublisher.strip().toLowerCase(Locale.ROOT)) {
            case "take-over", "takeover", "take_over" -> DuplicatePolicy.TAKE_OVER;
            case "refuse" -> DuplicatePolicy.REFUSE;
            default -> throw new IllegalArgumentException("--duplicate-publisher must be take-over or refuse, was '" + duplicatePublisher + "'");
        };
        ServerConfig.RtmpLimits limits = new ServerConfig.RtmpLimits(toInt("--max-message-size", maxMessageSize),
                toInt("--max-chunk-size", maxChunkSize), handshakeTimeout, idleTimeout, rtmpThreads);
        return new ServerConfig(bind, httpPort, rtmpPort, tls, dataDir, Optional.ofNullable(lobbyKey).filter(k -> !k.isBlank()),
                rooms, policy, segmentDuration, playlistWindow, segmentStoreBytes, limits,
                Optional.ofNullable(publicHost).filter(h -> !h.isBlank()));
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
