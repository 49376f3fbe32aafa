package dev.amphi.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.core.room.Room;
import dev.amphi.ingest.rtmp.RtmpServer.DuplicatePolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainConfigTest {

    @TempDir
    Path dir;

    private static ServerConfig parse(Map<String, String> env, String... args) {
        return Main.parse(args, env, new PrintStream(new ByteArrayOutputStream())).orElseThrow();
    }

    private static final String KEY1 = "room-a-key-0123456789";
    private static final String KEY2 = "room-b-key-0123456789";

    @Test
    void defaultsMatchTheDocumentation() {
        ServerConfig c = parse(Map.of());
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.rtmpPort()).isEqualTo(1935);
        assertThat(c.bind()).isEqualTo("0.0.0.0");
        assertThat(c.dataDir()).isEqualTo(Path.of("./amphi-data"));
        assertThat(c.lobbyKey()).isEmpty();
        assertThat(c.rooms()).isEmpty();
        assertThat(c.tls()).isEmpty();
        assertThat(c.duplicatePolicy()).isEqualTo(DuplicatePolicy.TAKE_OVER);
        assertThat(c.segmentDuration()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.playlistWindow()).isEqualTo(8);
        assertThat(c.segmentStoreBytes()).isEqualTo(512L << 20);
        assertThat(c.limits()).isEqualTo(new ServerConfig.RtmpLimits(8 << 20, 1 << 20, Duration.ofSeconds(10), Duration.ofSeconds(30), 0,
                Duration.ofMillis(40), 1000, 100, Duration.ofSeconds(10), 10, Duration.ofSeconds(60)));
        assertThat(c.publicHost()).isEmpty();
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsConfigFileWhichBeatsDefaults() throws IOException {
        Path file = dir.resolve("amphi.properties");
        Files.writeString(file, String.join("\n",
                "http-port=1111", "rtmp-port=2222", "bind=10.0.0.1", "playlist-window=5", "segment-duration=4s"));
        Map<String, String> env = Map.of("AMPHI_CONFIG", file.toString(), "AMPHI_HTTP_PORT", "3333", "AMPHI_RTMP_PORT", "4444");

        ServerConfig c = parse(env, "--http-port", "5555");

        assertThat(c.httpPort()).as("flag").isEqualTo(5555);
        assertThat(c.rtmpPort()).as("environment").isEqualTo(4444);
        assertThat(c.bind()).as("config file").isEqualTo("10.0.0.1");
        assertThat(c.playlistWindow()).as("config file").isEqualTo(5);
        assertThat(c.segmentDuration()).as("config file").isEqualTo(Duration.ofSeconds(4));
        assertThat(c.limits().idleTimeout()).as("default").isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void configFlagNamesTheFileAndBeatsTheEnvironmentsFile() throws IOException {
        Path envFile = dir.resolve("env.properties");
        Path flagFile = dir.resolve("flag.properties");
        Files.writeString(envFile, "http-port=1111\n");
        Files.writeString(flagFile, "http-port=2222\n");
        assertThat(parse(Map.of("AMPHI_CONFIG", envFile.toString()), "--config", flagFile.toString()).httpPort()).isEqualTo(2222);
        assertThat(parse(Map.of("AMPHI_CONFIG", envFile.toString()), "--config=" + flagFile).httpPort()).isEqualTo(2222);
        assertThat(parse(Map.of("AMPHI_CONFIG", envFile.toString())).httpPort()).isEqualTo(1111);
    }

    @Test
    void missingConfigFileIsNamed() {
        Path missing = dir.resolve("nope.properties");
        assertThatThrownBy(() -> parse(Map.of(), "--config", missing.toString()))
                .hasMessageContaining("cannot read config file " + missing);
    }

    @Test
    void roomsAreRepeatableAndCommaSeparatedOutsideFlags() {
        ServerConfig flags = parse(Map.of("AMPHI_ROOM", "env-room=env-room-key-0123456"), "--room", "a=" + KEY1, "--room",
                "b=" + KEY2 + "=Room B");
        assertThat(flags.rooms()).containsExactly(Room.of("a", KEY1), new Room("b", "Room B", KEY2));

        ServerConfig env = parse(Map.of("AMPHI_ROOM", "r1=" + KEY1 + ",r2=" + KEY2));
        assertThat(env.rooms()).extracting(Room::name).containsExactly("r1", "r2");
    }

    @Test
    void badRoomsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> parse(Map.of(), "--room", "Bad_Name=" + KEY1))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("[a-z0-9-]{1,64}");
        assertThatThrownBy(() -> parse(Map.of(), "--room", "nokey"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("NAME=KEY");
        assertThatThrownBy(() -> parse(Map.of(), "--room", "a="))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("stream key");
        assertThatThrownBy(() -> parse(Map.of(), "--room", "lobby=" + KEY1))
                .hasMessageContaining("--lobby-key");
    }

    @Test
    void configuredKeysShorterThanSixteenCharactersAreRefusedNamingTheOptionButNotTheKey() {
        assertThatThrownBy(() -> parse(Map.of(), "--lobby-key", "short-key"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--lobby-key: the stream key has 9 characters, it needs at least 16")
                .hasMessageNotContaining("short-key");
        assertThatThrownBy(() -> parse(Map.of("AMPHI_ROOM", "panel=panel-key")))
                .hasMessageStartingWith("--room panel: the stream key has 9 characters, it needs at least 16")
                .hasMessageNotContaining("panel-key");
        assertThat(parse(Map.of(), "--lobby-key", "sixteen-chars-ok").lobbyKey()).contains("sixteen-chars-ok");
    }

    @Test
    void tlsNeedsCertificateAndKey() {
        assertThatThrownBy(() -> parse(Map.of(), "--tls-cert", "c.pem")).hasMessageContaining("both --tls-cert and --tls-key");
        ServerConfig c = parse(Map.of(), "--tls-cert", "c.pem", "--tls-key", "k.pem", "--rtmps-port", "4443");
        assertThat(c.tls()).contains(new ServerConfig.Tls(4443, Path.of("c.pem"), Path.of("k.pem")));
    }

    @Test
    void httpListenersAndTimeoutsComeFromFlagsEnvironmentAndFile() throws IOException {
        ServerConfig.HttpListeners defaults = parse(Map.of()).http();
        assertThat(defaults).isEqualTo(ServerConfig.HttpListeners.defaults());
        assertThat(defaults.httpsPort()).isEqualTo(8443);
        assertThat(defaults.metricsPort()).as("/metrics on the HTTP port").isEqualTo(-1);
        assertThat(defaults.timeouts()).isEqualTo(new HttpTimeouts.Limits(Duration.ofSeconds(60), Duration.ofSeconds(75),
                Duration.ofSeconds(60)));

        Path file = dir.resolve("amphi.properties");
        Files.writeString(file, String.join("\n", "http-body-timeout=20s", "metrics-bind=127.0.0.1", "https-port=off"));
        ServerConfig.HttpListeners l = parse(Map.of("AMPHI_CONFIG", file.toString(), "AMPHI_METRICS_PORT", "9100",
                "AMPHI_HTTP_KEEP_ALIVE_TIMEOUT", "5s"), "--http-header-timeout", "10s").http();
        assertThat(l.timeouts()).isEqualTo(new HttpTimeouts.Limits(Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(20)));
        assertThat(l.metricsPort()).isEqualTo(9100);
        assertThat(l.metricsBind()).contains("127.0.0.1");
        assertThat(l.httpsPort()).as("off").isEqualTo(-1);
        assertThat(parse(Map.of(), "--https-port", "4443").http().httpsPort()).isEqualTo(4443);
    }

    @Test
    void badHttpListenerValuesNameTheOption() {
        assertThatThrownBy(() -> parse(Map.of(), "--https-port", "soon")).hasMessageContaining("--https-port");
        assertThatThrownBy(() -> parse(Map.of(), "--https-port", "70000")).hasMessageContaining("--https-port");
        assertThatThrownBy(() -> parse(Map.of(), "--metrics-port", "70000")).hasMessageContaining("--metrics-port");
        assertThatThrownBy(() -> parse(Map.of(), "--metrics-bind", "127.0.0.1")).hasMessageContaining("--metrics-bind needs --metrics-port");
        assertThatThrownBy(() -> parse(Map.of(), "--http-header-timeout", "10ms")).hasMessageContaining("--http-header-timeout");
        assertThatThrownBy(() -> parse(Map.of(), "--http-keep-alive-timeout", "2h")).hasMessageContaining("--http-keep-alive-timeout");
        assertThatThrownBy(() -> parse(Map.of(), "--http-body-timeout", "never")).hasMessageContaining("not a duration");
    }

    @Test
    void webrtcOptionsComeFromFlagsEnvironmentAndFile() throws IOException {
        ServerConfig.WebRtc defaults = parse(Map.of()).webrtc();
        assertThat(defaults).isEqualTo(ServerConfig.WebRtc.defaults());
        assertThat(defaults.udpPort()).isEqualTo(8189);
        assertThat(defaults.enabled()).isTrue();

        Path file = dir.resolve("webrtc.properties");
        Files.writeString(file, String.join("\n", "webrtc-public-host=203.0.113.7,media.example.net",
                "ice-servers=stun:stun.example.net:3478, turn:turn.example.net:3478;username=amphi;credential=pw"));
        ServerConfig.WebRtc w = parse(Map.of("AMPHI_CONFIG", file.toString(), "AMPHI_WEBRTC_UDP_PORT", "10000")).webrtc();
        assertThat(w.udpPort()).isEqualTo(10000);
        assertThat(w.publicHosts()).containsExactly("203.0.113.7", "media.example.net");
        assertThat(w.iceServers()).extracting(dev.amphi.ingest.webrtc.whip.IceServer::url)
                .containsExactly("stun:stun.example.net:3478", "turn:turn.example.net:3478");
        assertThat(parse(Map.of(), "--webrtc-udp-port", "off").webrtc().enabled()).isFalse();

        assertThatThrownBy(() -> parse(Map.of(), "--webrtc-udp-port", "soon")).hasMessageContaining("--webrtc-udp-port");
        assertThatThrownBy(() -> parse(Map.of(), "--webrtc-udp-port", "70000")).hasMessageContaining("--webrtc-udp-port");
        assertThatThrownBy(() -> parse(Map.of(), "--ice-servers", "turn:t.example.net")).hasMessageContaining("--ice-servers")
                .hasMessageContaining("username");
        assertThatThrownBy(() -> parse(Map.of(), "--webrtc-public-host", "a b")).hasMessageContaining("--webrtc-public-host");
    }

    @Test
    void webhooksComeFromFlagsAndEnvironmentAndBadOnesAreRefused() {
        assertThat(parse(Map.of()).hooks()).isEqualTo(ServerConfig.Hooks.none());
        ServerConfig.Hooks h = parse(Map.of("AMPHI_WEBHOOK", "https://hooks.example.org/amphi, http://127.0.0.1:9000/x",
                "AMPHI_WEBHOOK_SECRET", "a secret of twenty chars"), "--bind", "127.0.0.1").hooks();
        assertThat(h.urls()).extracting(java.net.URI::toString).containsExactly("https://hooks.example.org/amphi", "http://127.0.0.1:9000/x");
        assertThat(h.secret()).contains("a secret of twenty chars");

        assertThatThrownBy(() -> parse(Map.of(), "--webhook", "ftp://files.example.org/")).hasMessageContaining("--webhook")
                .hasMessageContaining("http://");
        assertThatThrownBy(() -> parse(Map.of(), "--webhook", "http://exa mple/")).hasMessageContaining("--webhook");
        assertThatThrownBy(() -> parse(Map.of(), "--webhook", "http://127.0.0.1/", "--webhook-secret", "short"))
                .hasMessageContaining("--webhook-secret").hasMessageNotContaining("short");
    }

    @Test
    void parsesPolicyDurationsAndSizes() {
        ServerConfig c = parse(Map.of("AMPHI_MAX_MESSAGE_SIZE", "512KiB"), "--duplicate-publisher", "refuse",
                "--segment-duration", "1500ms", "--handshake-timeout", "PT5S", "--max-chunk-size", "65536",
                "--lobby-key", KEY1, "--public-host", "live.example.org");
        assertThat(c.duplicatePolicy()).isEqualTo(DuplicatePolicy.REFUSE);
        assertThat(c.segmentDuration()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.limits().handshakeTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.limits().maxMessageSize()).isEqualTo(512 * 1024);
        assertThat(c.limits().maxChunkSize()).isEqualTo(65536);
        assertThat(parse(Map.of("AMPHI_RTMP_THREADS", "4")).limits().ioThreads()).isEqualTo(4);
        ServerConfig limited = parse(Map.of("AMPHI_RTMP_MAX_CONNECTIONS_PER_ADDRESS", "20"), "--rtmp-max-connections", "500");
        assertThat(limited.limits().maxConnections()).isEqualTo(500);
        assertThat(limited.limits().maxConnectionsPerAddress()).isEqualTo(20);
        assertThat(c.lobbyKey()).contains(KEY1);
        ServerConfig guarded = parse(Map.of("AMPHI_RTMP_PUBLISH_TIMEOUT", "15s"), "--rtmp-max-failed-publishes", "5",
                "--rtmp-failed-publish-window", "2s");
        assertThat(guarded.limits().publishTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(guarded.limits().maxFailedPublishes()).isEqualTo(5);
        assertThat(guarded.limits().failedPublishWindow()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.publicHost()).contains("live.example.org");
    }

    @Test
    void badValuesNameTheOption() {
        assertThatThrownBy(() -> parse(Map.of(), "--http-port", "70000")).hasMessageContaining("--http-port").hasMessageContaining("70000");
        assertThatThrownBy(() -> parse(Map.of(), "--duplicate-publisher", "maybe")).hasMessageContaining("--duplicate-publisher");
        assertThatThrownBy(() -> parse(Map.of(), "--segment-duration", "soon")).hasMessageContaining("not a duration: 'soon'");
        assertThatThrownBy(() -> parse(Map.of(), "--segment-duration", "100ms")).hasMessageContaining("--segment-duration");
        assertThatThrownBy(() -> parse(Map.of(), "--max-message-size", "lots")).hasMessageContaining("not a size: 'lots'");
        assertThatThrownBy(() -> parse(Map.of("AMPHI_PLAYLIST_WINDOW", "1"))).hasMessageContaining("--playlist-window");
        assertThatThrownBy(() -> parse(Map.of(), "--lobby-key", "has space")).hasMessageContaining("stream key");
        assertThatThrownBy(() -> parse(Map.of(), "--rtmp-threads", "-1")).hasMessageContaining("--rtmp-threads");
        assertThatThrownBy(() -> parse(Map.of(), "--rtmp-max-connections", "0")).hasMessageContaining("--rtmp-max-connections");
        assertThatThrownBy(() -> parse(Map.of(), "--rtmp-max-connections-per-address", "-2"))
                .hasMessageContaining("--rtmp-max-connections-per-address");
        assertThatThrownBy(() -> parse(Map.of(), "--rtmp-publish-timeout", "0s")).hasMessageContaining("--rtmp-publish-timeout");
        assertThatThrownBy(() -> parse(Map.of(), "--rtmp-max-failed-publishes", "-1")).hasMessageContaining("--rtmp-max-failed-publishes");
        assertThatThrownBy(() -> parse(Map.of(), "--rtmp-failed-publish-window", "0s"))
                .hasMessageContaining("--rtmp-failed-publish-window");
        assertThatThrownBy(() -> parse(Map.of(), "--no-such-flag")).isInstanceOf(CommandLine.ParameterException.class);
    }

    @Test
    void versionNamesTheBundledFfmpeg() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(Main.parse(new String[] {"--version"}, Map.of(), new PrintStream(out))).isEmpty();
        assertThat(out.toString()).contains("Amphi ").containsPattern("FFmpeg \\d+\\.\\d");
    }

    @Test
    void helpListsEveryOptionAndItsEnvironmentVariableRule() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(Main.parse(new String[] {"--help"}, Map.of(), new PrintStream(out))).isEmpty();
        assertThat(out.toString()).contains("--http-port", "--rtmp-port", "--bind", "--data-dir", "--lobby-key", "--room",
                "--rtmps-port", "--tls-cert", "--tls-key", "--duplicate-publisher", "--segment-duration", "--playlist-window",
                "--public-host", "--config", "AMPHI_HTTP_PORT", "--https-port", "--metrics-port", "--metrics-bind",
                "--http-header-timeout", "--http-keep-alive-timeout", "--http-body-timeout", "--webrtc-udp-port",
                "--webrtc-public-host", "--ice-servers");
    }
}
