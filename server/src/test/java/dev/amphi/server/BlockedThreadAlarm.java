package dev.amphi.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a server test in which Vert.x's blocked-thread checker warned that an event loop (or a
 * worker) was blocked. The checker runs with {@link #vertxOptions()}: an event-loop task may take
 * {@value #MAX_EVENT_LOOP_MS} ms (Vert.x's default is 2 s) before it warns. Registered for every test
 * class of the module ({@code junit-platform.properties}); its appender is attached to the checker's
 * logger in {@code logback-test.xml}. Warnings logged while a class starts its server count for the
 * class's first test; those after its last test fail the class.
 *
 * <p>Once per test JVM, before the first class, a throwaway Vert.x with the default checker serves a
 * few requests, so that one-time JVM work (loading and linking Netty's and Vert.x Web's classes,
 * Netty registering its Flight Recorder events: over a second on a busy machine) happens outside the
 * tests' event loops; what is left to warn about is work a handler does on every request.
 */
public final class BlockedThreadAlarm implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    /** The checker's logger (Vert.x keeps the old class name). */
    static final String CHECKER = "io.vertx.core.impl.BlockedThreadChecker";
    static final long MAX_EVENT_LOOP_MS = 1000;

    private static final ConcurrentLinkedQueue<String> WARNINGS = new ConcurrentLinkedQueue<>();
    private static final AtomicBoolean WARM = new AtomicBoolean();

    /** Vert.x options of the tests' servers: the tightened checker, checking every 100 ms. */
    static VertxOptions vertxOptions() {
        return new VertxOptions()
                .setMaxEventLoopExecuteTime(MAX_EVENT_LOOP_MS).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                .setBlockedThreadCheckInterval(100).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
                .setWarningExceptionTime(MAX_EVENT_LOOP_MS).setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS);
    }

    /** Whether a warning was collected and not drained yet. */
    static boolean warned() {
        return !WARNINGS.isEmpty();
    }

    /** The warnings collected so far, removed. */
    static List<String> drain() {
        List<String> all = new ArrayList<>();
        for (String w; (w = WARNINGS.poll()) != null; ) {
            all.add(w);
        }
        return all;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (WARM.compareAndSet(false, true)) {
            warmUp();
        }
        drain(); // another class's leftovers (and the warm-up's) are not this class's
    }

    private static void warmUp() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Router router = Router.router(vertx);
            router.route().handler(CorsHandler.create().addOrigin("*").allowedHeader("Range"));
            router.put("/").handler(BodyHandler.create(false)).handler(ctx -> ctx.json(new JsonObject().put("got", ctx.body().length())));
            router.get("/").handler(ctx -> ctx.response().setChunked(true).end("warm"));
            HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + server.actualPort() + "/");
            http.send(HttpRequest.newBuilder(uri).header("Origin", "https://warm.example").build(), HttpResponse.BodyHandlers.discarding());
            http.send(HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofString("{\"warm\":true}")).build(),
                    HttpResponse.BodyHandlers.discarding());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        check(context.getDisplayName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        check(context.getDisplayName());
    }

    private static void check(String where) {
        List<String> warnings = drain();
        if (!warnings.isEmpty()) {
            throw new AssertionError("Vert.x's blocked-thread checker warned during " + where + " (a task ran over "
                    + MAX_EVENT_LOOP_MS + " ms on an event loop):\n" + String.join("\n", warnings));
        }
    }

    /** Collects what the checker logs; attached in logback-test.xml. */
    public static final class Appender extends AppenderBase<ILoggingEvent> {
        @Override
        protected void append(ILoggingEvent event) {
            StringBuilder b = new StringBuilder(event.getFormattedMessage());
            IThrowableProxy t = event.getThrowableProxy();
            if (t != null) { // where the thread was: the blocking call
                StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
                for (int i = 0; i < Math.min(frames.length, 25); i++) {
                    b.append("\n    at ").append(frames[i].getStackTraceElement());
                }
            }
            WARNINGS.add(b.toString());
        }
    }
}
