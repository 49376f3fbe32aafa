package dev.amphi.core.api;

import dev.amphi.core.room.RoomRegistry;
import dev.amphi.core.room.ViewerEstimate;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code POST /api/rooms/{room}/presence?viewer=ID}: a watch page says it is still there (every
 * {@value ViewerEstimate#BEACON_SECONDS} s, with a random id of its own, 8 to 64 URL-safe
 * characters), and may add how it fares as a JSON body (at most 1 KiB, every field optional):
 * {@code {"startupMs":1200,"stalls":1,"stalledMs":800,"switches":2,"latency":6.1}}; 204, 400 for a
 * missing or malformed id or a body that breaks a rule (naming the field), 404 for an unknown room.
 * Feeds {@link ViewerEstimate} and {@link ViewerReports}; nothing is kept per viewer. Reports beyond
 * {@link #REPORTS_PER_SECOND} a second over all rooms are not kept (counted as sampled out), so a
 * huge audience costs a bounded amount of work; presence is always counted.
 */
public final class PresenceApi {

    private static final Pattern VIEWER = Pattern.compile("[A-Za-z0-9_-]{8,64}");

    /** Quality reports kept per second, over all rooms; the others are counted and dropped. */
    public static final int REPORTS_PER_SECOND = 500;

    private final RoomRegistry registry;
    private final ViewerEstimate viewers;
    private final ViewerReports reports;
    private final java.util.function.LongSupplier nanoTime;
    private final java.util.concurrent.atomic.AtomicLong window = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger inWindow = new java.util.concurrent.atomic.AtomicInteger();

    public PresenceApi(RoomRegistry registry, ViewerEstimate viewers) {
        this(registry, viewers, ViewerReports.NONE, System::nanoTime);
    }

    public PresenceApi(RoomRegistry registry, ViewerEstimate viewers, ViewerReports reports, java.util.function.LongSupplier nanoTime) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.viewers = Objects.requireNonNull(viewers, "viewers");
        this.reports = Objects.requireNonNull(reports, "reports");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    public void mount(Router router) {
        router.route(HttpMethod.POST, "/api/rooms/:name/presence")
                .handler(io.vertx.ext.web.handler.BodyHandler.create(false).setBodyLimit(1024))
                .handler(this::presence);
    }

    /** Whether one more report may be kept in this second. */
    private boolean admit() {
        long second = nanoTime.getAsLong() / 1_000_000_000L;
        long current = window.get();
        if (second != current && window.compareAndSet(current, second)) {
            inWindow.set(0);
        }
        return inWindow.incrementAndGet() <= REPORTS_PER_SECOND;
    }

    /** The body's report, or null without one; {@link IllegalArgumentException} naming the field for a bad one. */
    static ViewerReports.Report parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        io.vertx.core.json.JsonObject o;
        try {
            o = new io.vertx.core.json.JsonObject(body);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("json:the body must be a JSON object");
        }
        for (String f : o.fieldNames()) {
            if (!java.util.Set.of("startupMs", "stalls", "stalledMs", "switches", "latency").contains(f)) {
                throw new IllegalArgumentException(f + ":a report takes startupMs, stalls, stalledMs, switches and latency only");
            }
        }
        return new ViewerReports.Report(
                o.containsKey("startupMs") ? java.util.OptionalLong.of(number(o, "startupMs", 0, 600_000)) : java.util.OptionalLong.empty(),
                (int) (o.containsKey("stalls") ? number(o, "stalls", 0, 10_000) : 0),
                o.containsKey("stalledMs") ? number(o, "stalledMs", 0, 3_600_000) : 0,
                (int) (o.containsKey("switches") ? number(o, "switches", 0, 10_000) : 0),
                o.containsKey("latency") ? java.util.OptionalDouble.of(decimal(o, "latency", 0, 3600)) : java.util.OptionalDouble.empty());
    }

    private static long number(io.vertx.core.json.JsonObject o, String field, long min, long max) {
        Object v = o.getValue(field);
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < min || n.longValue() > max) {
            throw new IllegalArgumentException(field + ":" + field + " must be a whole number from " + min + " to " + max);
        }
        return n.longValue();
    }

    private static double decimal(io.vertx.core.json.JsonObject o, String field, double min, double max) {
        Object v = o.getValue(field);
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue()) || n.doubleValue() < min || n.doubleValue() > max) {
            throw new IllegalArgumentException(field + ":" + field + " must be a number of seconds from " + min + " to " + max);
        }
        return n.doubleValue();
    }

    private void presence(RoutingContext ctx) {
        if (Responses.room(ctx, registry).isEmpty()) {
            return;
        }
        String viewer = ctx.request().getParam("viewer");
        if (viewer == null || !VIEWER.matcher(viewer).matches()) {
            Responses.problem(ctx, 400, "viewer", "viewer-id", "viewer must be 8 to 64 letters, digits, '-' or '_'");
            return;
        }
        ViewerReports.Report report;
        try {
            report = parse(ctx.body().asString());
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            int colon = m.indexOf(':');
            String field = m.substring(0, colon);
            Responses.problem(ctx, 400, field.equals("json") ? null : field, field.equals("json") ? "json" : "report", m.substring(colon + 1));
            return;
        }
        viewers.seen(ctx.pathParam("name"), viewer);
        if (report != null) {
            if (admit()) {
                reports.report(ctx.pathParam("name"), report);
            } else {
                reports.sampledOut();
            }
        }
        ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end();
    }
}
