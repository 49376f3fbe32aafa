package dev.amphi.server;

import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import dev.amphi.ingest.rtmp.RtmpServer.DuplicatePolicy;
import dev.amphi.ingest.webrtc.whip.IceServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the server needs to start, validated. Ports may be 0 (a free port, for tests).
 *
 * @param bind              address both listeners bind, e.g. {@code 0.0.0.0}
 * @param httpPort          HTTP port (player, API, HLS, health, and metrics unless {@code http} moves them)
 * @param rtmpPort          RTMP port
 * @param tls               RTMPS and HTTPS certificate, empty when both are off
 * @param dataDir           where generated stream keys are kept
 * @param lobbyKey          the lobby's stream key; empty: generated once and kept in {@code dataDir}
 * @param rooms             extra rooms besides the lobby
 * @param duplicatePolicy   what a second publisher on a live room gets
 * @param segmentDuration   HLS target segment duration
 * @param playlistWindow    segments per live playlist
 * @param segmentStoreBytes bytes of segments kept in memory
 * @param limits            RTMP limits
 * @param publicHost        host printed in URLs; empty: derived from {@code bind}
 * @param program           how each room composites its speakers (or passes one publisher through); one
 *                          entry per room, the lobby included
 * @param http              HTTPS, the metrics listener and the HTTP connection timeouts
 * @param databaseUrl       the JDBC URL of the comments' database; empty: an SQLite file in {@code dataDir}
 * @param audience          limits of what viewers do: comments, event streams, proxies trusted
 * @param webrtc            WebRTC speakers: the UDP port, the addresses clients are told, ICE servers
 * @param hooks             where events are POSTed (webhooks) and the secret they are signed with
 * @param adminToken        the rooms API's administrator token; empty: generated once and kept in {@code dataDir}
 */
public record ServerConfig(String bind, int httpPort, int rtmpPort, Optional<Tls> tls, Path dataDir,
                           Optional<String> lobbyKey, List<Room> rooms, DuplicatePolicy duplicatePolicy,
                           Duration segmentDuration, int playlistWindow, long segmentStoreBytes,
                           RtmpLimits limits, Optional<String> publicHost, ProgramConfig program, HttpListeners http,
                           Optional<String> databaseUrl, Audience audience, WebRtc webrtc, Hooks hooks,
                           Optional<String> adminToken) {

    public ServerConfig {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(lobbyKey, "lobbyKey");
        Objects.requireNonNull(duplicatePolicy, "duplicatePolicy");
        Objects.requireNonNull(segmentDuration, "segmentDuration");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(publicHost, "publicHost");
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(databaseUrl, "databaseUrl");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(webrtc, "webrtc");
        Objects.requireNonNull(hooks, "hooks");
        Objects.requireNonNull(adminToken, "adminToken");
        adminToken.ifPresent(t -> {
            if (t.length() < 16 || t.chars().anyMatch(c -> c <= 0x20 || c > 0x7e)) {
                // not echoed: it is a secret
                throw new IllegalArgumentException("--admin-token must be at least 16 printable ASCII characters without spaces");
            }
        });
        databaseUrl.ifPresent(u -> {
            if (!u.startsWith("jdbc:")) {
                // not echoed: a URL may carry a password
                throw new IllegalArgumentException("--database-url must be a JDBC URL (jdbc:sqlite:FILE, jdbc:postgresql://HOST/DB)");
            }
        });
        rooms = List.copyOf(rooms);
        if (bind.isBlank()) {
            throw new IllegalArgumentException("--bind must not be blank");
        }
        checkPort("--http-port", httpPort);
        checkPort("--rtmp-port", rtmpPort);
        lobbyKey.ifPresent(key -> Room.of("lobby", key));
        lobbyKey.ifPresent(key -> checkKeyLength("--lobby-key", key));
        for (Room room : rooms) {
            if (room.name().equals("lobby")) {
                throw new IllegalArgumentException("--room lobby=...: the lobby's key is set with --lobby-key");
            }
            checkKeyLength("--room " + room.name(), room.streamKey());
        }
        Set<String> names = new LinkedHashSet<>();
        names.add(RoomRegistry.LOBBY);
        rooms.forEach(r -> names.add(r.name()));
        if (!names.equals(program.rooms().keySet())) {
            throw new IllegalArgumentException("program settings are for rooms " + program.rooms().keySet()
                    + " but the configured rooms are " + names);
        }
        if (segmentDuration.compareTo(Duration.ofMillis(500)) < 0 || segmentDuration.compareTo(Duration.ofSeconds(30)) > 0) {
            throw new IllegalArgumentException("--segment-duration must be between 0.5 s and 30 s, was " + segmentDuration);
        }
        if (playlistWindow < 3 || playlistWindow > 1000) {
            throw new IllegalArgumentException("--playlist-window must be between 3 and 1000 segments, was " + playlistWindow);
        }
        if (segmentStoreBytes < 1 << 20) {
            throw new IllegalArgumentException("--segment-store-size must be at least 1 MiB, was " + segmentStoreBytes + " bytes");
        }
    }

    /** Shortest stream key accepted in the configuration (generated keys have 24 random characters). */
    static final int MIN_KEY_LENGTH = 16;

    /** Refuses a short configured key, naming the option but never printing the key. */
    static void checkKeyLength(String option, String key) {
        if (key.length() < MIN_KEY_LENGTH) {
            throw new IllegalArgumentException(option + ": the stream key has " + key.length() + " characters, it needs at least "
                    + MIN_KEY_LENGTH + " (a key is a password: use a long random one, e.g. `openssl rand -base64 18`)");
        }
    }

    static void checkPort(String flag, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(flag + " must be between 0 and 65535, was " + port);
        }
    }

    /**
     * The HTTP side besides the main port.
     *
     * @param httpsPort   HTTPS port (the same routes as HTTP), used when {@link #tls} is set; -1: no HTTPS
     * @param metricsPort port of a listener serving {@code /metrics} alone, which the HTTP(S) ports then do
     *                    not serve; -1: {@code /metrics} on the HTTP port
     * @param metricsBind address of that listener; empty: the main bind address
     * @param timeouts    header, keep-alive and body timeouts of every HTTP(S) connection
     */
    public record HttpListeners(int httpsPort, int metricsPort, Optional<String> metricsBind, HttpTimeouts.Limits timeouts) {
        public HttpListeners {
            Objects.requireNonNull(metricsBind, "metricsBind");
            Objects.requireNonNull(timeouts, "timeouts");
            if (httpsPort != -1) {
                checkPort("--https-port", httpsPort);
            }
            if (metricsPort != -1) {
                checkPort("--metrics-port", metricsPort);
            }
            if (metricsBind.isPresent() && (metricsPort == -1 || metricsBind.get().isBlank())) {
                throw new IllegalArgumentException(metricsBind.get().isBlank() ? "--metrics-bind must not be blank"
                        : "--metrics-bind needs --metrics-port: /metrics moves to its own listener only with a port");
            }
        }

        /** HTTPS on 8443 (when a certificate is given), /metrics on the HTTP port, the default timeouts. */
        public static HttpListeners defaults() {
            return new HttpListeners(8443, -1, Optional.empty(), HttpTimeouts.Limits.defaults());
        }
    }

    /** RTMPS (and HTTPS): a port, a PEM certificate chain and its PKCS#8 PEM private key. */
    public record Tls(int port, Path certificateChain, Path privateKey) {
        public Tls {
            Objects.requireNonNull(certificateChain, "certificateChain");
            Objects.requireNonNull(privateKey, "privateKey");
            checkPort("--rtmps-port", port);
        }
    }

    /**
     * RTMP limits and sizing, passed to the RTMP server's builder (which validates them).
     *
     * @param ioThreads event-loop threads for RTMP connections; 0: Netty's default (2 x cores)
     * @param readBatch how long a publisher's bytes may wait to be read in one go (0 to 1 s; 0: no batching)
     * @param maxConnections most RTMP(S) connections open at once (at least 1)
     * @param maxConnectionsPerAddress most connections open at once from one IP address; 0: no limit
     * @param publishTimeout time after the handshake by which a connection must have started publishing
     * @param maxFailedPublishes wrong keys an address may try within {@code failedPublishWindow}; 0: no limit
     * @param failedPublishWindow how long failed attempts count, and an address that had too many is refused
     */
    public record RtmpLimits(int maxMessageSize, int maxChunkSize, Duration handshakeTimeout, Duration idleTimeout,
                             int ioThreads, Duration readBatch, int maxConnections, int maxConnectionsPerAddress,
                             Duration publishTimeout, int maxFailedPublishes, Duration failedPublishWindow) {
        public RtmpLimits {
            Objects.requireNonNull(publishTimeout, "publishTimeout");
            Objects.requireNonNull(failedPublishWindow, "failedPublishWindow");
            if (publishTimeout.isNegative() || publishTimeout.isZero()) {
                throw new IllegalArgumentException("--rtmp-publish-timeout must be positive, was " + publishTimeout.toMillis() + "ms");
            }
            if (maxFailedPublishes < 0) {
                throw new IllegalArgumentException("--rtmp-max-failed-publishes must be 0 (no limit) or more, was " + maxFailedPublishes);
            }
            if (failedPublishWindow.isNegative() || failedPublishWindow.isZero()) {
                throw new IllegalArgumentException("--rtmp-failed-publish-window must be positive, was "
                        + failedPublishWindow.toMillis() + "ms");
            }
            if (maxConnections < 1) {
                throw new IllegalArgumentException("--rtmp-max-connections must be at least 1, was " + maxConnections);
            }
            if (maxConnectionsPerAddress < 0) {
                throw new IllegalArgumentException("--rtmp-max-connections-per-address must be 0 (no limit) or more, was "
                        + maxConnectionsPerAddress);
            }
            Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(readBatch, "readBatch");
            if (readBatch.isNegative() || readBatch.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("--rtmp-read-batch must be between 0 and 1s, was " + readBatch.toMillis() + "ms");
            }
            if (ioThreads < 0 || ioThreads > 1024) {
                throw new IllegalArgumentException("--rtmp-threads must be between 0 (automatic) and 1024, was " + ioThreads);
            }
        }
    }

    /**
     * What viewers may do at once.
     *
     * @param commentRoomRate comments a room takes per second (bursts of twice as many)
     * @param maxEventStreams event streams ({@code /api/rooms/{room}/events}) open at once over all rooms
     * @param trustedProxies  addresses of proxies (the caching edge) whose {@code X-Forwarded-For} names the viewer
     */
    public record Audience(int commentRoomRate, int maxEventStreams, List<String> trustedProxies) {
        public Audience {
            if (commentRoomRate < 1 || commentRoomRate > 100_000) {
                throw new IllegalArgumentException("--comment-room-rate must be 1 to 100000 a second, was " + commentRoomRate);
            }
            if (maxEventStreams < 1) {
                throw new IllegalArgumentException("--max-event-streams must be at least 1, was " + maxEventStreams);
            }
            trustedProxies = List.copyOf(trustedProxies);
        }
    }

    /**
     * Webhooks.
     *
     * @param urls   where every event is POSTed ({@code http://} or {@code https://}); empty: none
     * @param secret the HMAC-SHA256 key of the signature; empty: generated once and kept in the data directory
     */
    public record Hooks(List<java.net.URI> urls, Optional<String> secret) {
        public Hooks {
            urls = List.copyOf(urls);
            for (java.net.URI u : urls) {
                if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                    throw new IllegalArgumentException("--webhook '" + u + "' must be an http:// or https:// URL with a host");
                }
            }
            Objects.requireNonNull(secret, "secret");
            secret.ifPresent(k -> {
                if (k.length() < 16) {
                    throw new IllegalArgumentException("--webhook-secret must be at least 16 characters");
                }
            });
        }

        /** No webhooks. */
        public static Hooks none() {
            return new Hooks(List.of(), Optional.empty());
        }
    }

    /**
     * WebRTC speakers (WHIP and the speaker page).
     *
     * @param udpPort     the one UDP port of every peer (ICE, DTLS, RTP); 0: a free port; -1: WebRTC off
     * @param publicHosts addresses (IP literals or host names) clients are told to send to; empty:
     *                    the bind address, or this machine's addresses when binding a wildcard
     * @param iceServers  STUN/TURN servers handed to clients
     */
    public record WebRtc(int udpPort, List<String> publicHosts, List<IceServer> iceServers) {
        public WebRtc {
            if (udpPort != -1) {
                checkPort("--webrtc-udp-port", udpPort);
            }
            publicHosts = List.copyOf(publicHosts);
            iceServers = List.copyOf(iceServers);
            if (publicHosts.size() > 8) {
                throw new IllegalArgumentException("--webrtc-public-host takes at most 8 addresses, was given " + publicHosts.size());
            }
            for (String h : publicHosts) {
                if (h.isBlank() || h.length() > 253 || !h.matches("[A-Za-z0-9.:_-]+")) {
                    throw new IllegalArgumentException("--webrtc-public-host '" + h + "' is not an IP address or host name");
                }
            }
        }

        /** On, on port 8189, no public address and no ICE servers. */
        public static WebRtc defaults() {
            return new WebRtc(8189, List.of(), List.of());
        }

        public boolean enabled() {
            return udpPort != -1;
        }
    }
}
