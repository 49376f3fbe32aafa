package dev.amphi.server;

import static dev.amphi.server.TestSupport.get;
import static dev.amphi.server.TestSupport.httpUrl;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Clients that hang up in the middle of their request body: bounded logs, counted as aborted. */
class AbortedRequestTest {

    private static final int CLIENTS = 300;
    private static final Pattern ABORTED = Pattern.compile(
            "amphi_http_requests_seconds_count\\{method=\"PUT\",route=\"api\",status=\"aborted\"} (\\d+)");

    @TempDir
    Path dataDir;

    @Test
    void abortedUploadsAreLoggedBoundedAndCountedAsAborted() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        try (AmphiServer server = TestSupport.start(dataDir, "--lobby-key", "lobby-key-0123456789")) {
            root.addAppender(logs);
            for (int i = 0; i < CLIENTS; i++) {
                try (RawHttp c = new RawHttp(server.httpPort())) {
                    c.send("PUT /api/rooms/lobby/layout HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Authorization: Bearer lobby-key-0123456789\r\nContent-Length: 1000\r\n\r\n{\"layout\":");
                    if (i % 2 == 0) {
                        c.socket.setSoLinger(true, 0); // half of them reset, the others close
                    }
                }
            }
            Awaitility.await("every aborted upload counted").atMost(Duration.ofSeconds(30)).until(() -> aborted(server) == CLIENTS);
            root.detachAppender(logs);

            String metrics = get(httpUrl(server, "/metrics")).body();
            assertThat(metrics).as("an upload that never arrived is no 200")
                    .doesNotContain("method=\"PUT\",route=\"api\",status=\"200\"");
            List<ILoggingEvent> events = List.copyOf(logs.list);
            assertThat(events).as("log lines for %d aborted uploads: %s", CLIENTS, events).hasSizeLessThanOrEqualTo(2);
            assertThat(events).noneMatch(e -> e.getThrowableProxy() != null).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
            assertThat(events.get(0).getFormattedMessage()).contains("PUT /api/rooms/lobby/layout", "closed the connection");
        } finally {
            root.detachAppender(logs);
        }
    }

    private static long aborted(AmphiServer server) {
        Matcher m = ABORTED.matcher(get(httpUrl(server, "/metrics")).body());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
