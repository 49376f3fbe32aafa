package dev.amphi.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The alarm that fails server tests hears Vert.x's blocked-thread checker. */
class BlockedThreadAlarmTest {

    @Test
    void anEventLoopBlockedOverTheLimitIsReported() throws Exception {
        Vertx vertx = Vertx.vertx(BlockedThreadAlarm.vertxOptions());
        try {
            vertx.runOnContext(v -> {
                try {
                    Thread.sleep(BlockedThreadAlarm.MAX_EVENT_LOOP_MS + 600); // the kind of call the alarm is there to catch
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Awaitility.await("the checker's warning").atMost(Duration.ofSeconds(10)).until(BlockedThreadAlarm::warned);
            assertThat(String.join("\n", BlockedThreadAlarm.drain()))
                    .contains("has been blocked for")
                    .as("where the loop was blocked").contains("Thread.sleep");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            BlockedThreadAlarm.drain(); // this test's own, expected warnings
        }
    }
}
