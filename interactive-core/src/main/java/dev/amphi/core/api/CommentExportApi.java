package dev.amphi.core.api;

import dev.amphi.core.comments.CommentWindows;
import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import dev.amphi.core.store.CommentStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's export of a room's comments:
 * {@code GET /api/rooms/{room}/comments?format=json|xml[&from=EPOCH_MS][&to=EPOCH_MS]} with
 * {@code Authorization: Bearer <the room's stream key>} ({@link RoomKeyAuth}). The comments that are not
 * deleted, with a program time in {@code [from, to)} (both optional), in program-time order, as JSON
 * (the default) or bilibili's danmaku XML ({@link CommentExportFormat}). XML's seconds count from
 * {@code from}, or without it from the start of the time window (of {@code windowLength}, numbered
 * from the Unix epoch) of the first comment exported.
 *
 * <p>Answers: 200 (streamed in pages, {@code Cache-Control: private, no-store}, a file name for
 * saving); 400 for an unknown format or a bad {@code from}/{@code to}; 401 without the room's key; 404
 * for an unknown room; 503 when the database cannot be read (a failure after the first page cuts the
 * connection, so a truncated export never looks complete). The queries run on a worker thread, one
 * page at a time; the next page is read only once the client has taken the last one.
 */
public final class CommentExportApi {

    private static final Logger LOG = LoggerFactory.getLogger(CommentExportApi.class);
    /** Comments read from the database at a time. */
    static final int PAGE = 500;

    private final Vertx vertx;
    private final RoomRegistry registry;
    private final CommentStore store;
    private final long windowMillis;
    private final int pageSize;

    /**
     * @param windowLength the span of the comment windows viewers fetch (the segment duration): XML's
     *                     seconds count from a window's start by default
     */
    public CommentExportApi(Vertx vertx, RoomRegistry registry, CommentStore store, Duration windowLength) {
        this(vertx, registry, store, windowLength, PAGE);
    }

    CommentExportApi(Vertx vertx, RoomRegistry registry, CommentStore store, Duration windowLength, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("an export page holds at least one comment, was " + pageSize);
        }
        this.pageSize = pageSize;
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.store = Objects.requireNonNull(store, "store");
        this.windowMillis = Objects.requireNonNull(windowLength, "windowLength").toMillis();
        if (windowMillis < 1) {
            throw new IllegalArgumentException("the window length must be at least 1 ms, was " + windowLength);
        }
    }

    /** Adds the route to {@code router}. */
    public void mount(Router router) {
        router.route(HttpMethod.GET, "/api/rooms/:name/comments").handler(new RoomKeyAuth(registry, "an export of the comments")::handle)
                .handler(this::export);
    }

    /** What is asked: the room, the format and the program-time span. */
    private record Request(String room, CommentExportFormat format, Optional<Long> from, long to) {
    }

    private void export(RoutingContext ctx) {
        String room = ctx.pathParam("name"); // RoomKeyAuth found it
        String f = ctx.request().getParam("format", "json");
        Optional<CommentExportFormat> format = CommentExportFormat.named(f);
        if (format.isEmpty()) {
            Responses.error(ctx, 400, "format must be json or xml, was '" + ProgramJson.bounded(f) + "'");
            return;
        }
        Optional<Long> from;
        Optional<Long> to;
        try {
            from = epochMillis(ctx, "from");
            to = epochMillis(ctx, "to");
        } catch (IllegalArgumentException e) {
            Responses.error(ctx, 400, e.getMessage());
            return;
        }
        if (from.isPresent() && to.isPresent() && to.get() <= from.get()) {
            Responses.error(ctx, 400, "to must be after from");
            return;
        }
        Request r = new Request(room, format.get(), from, to.orElse(Long.MAX_VALUE));
        long start = from.orElse(Long.MIN_VALUE);
        vertx.executeBlocking(() -> new FirstPage(store.count(r.room(), start, r.to()), store.page(r.room(), start, -1, r.to(), pageSize)), false)
                .onComplete(ar -> {
                    if (ar.failed()) {
                        LOG.warn("export of {}'s comments failed: {}", r.room(), ar.cause().toString());
                        Responses.error(ctx, 503, "the comments cannot be read now; try again");
                        return;
                    }
                    List<CommentWindows.Accepted> page = ar.result().comments();
                    long origin = from.orElseGet(() -> page.isEmpty() ? 0 : Math.floorDiv(page.get(0).at(), windowMillis) * windowMillis);
                    HttpServerResponse resp = ctx.response()
                            .setStatusCode(200)
                            .setChunked(true)
                            .putHeader("Content-Type", r.format().contentType())
                            .putHeader("Cache-Control", "private, no-store")
                            .putHeader("Content-Disposition",
                                    "attachment; filename=\"" + r.room() + "-comments." + r.format().extension() + "\"");
                    resp.write(r.format().head(ar.result().count()));
                    send(ctx, r, origin, page, true);
                });
    }

    private record FirstPage(long count, List<CommentWindows.Accepted> comments) {
    }

    /** Writes {@code page}, then reads the next once the client has taken it, or ends the export. */
    private void send(RoutingContext ctx, Request r, long origin, List<CommentWindows.Accepted> page, boolean first) {
        HttpServerResponse resp = ctx.response();
        if (resp.closed()) {
            return; // the client went away
        }
        boolean none = first && page.isEmpty();
        for (int i = 0; i < page.size(); i++) {
            resp.write(r.format().comment(page.get(i), first && i == 0, origin));
        }
        if (page.size() < pageSize) {
            resp.end(r.format().tail(none));
            return;
        }
        CommentWindows.Accepted last = page.get(page.size() - 1);
        Runnable next = () -> vertx.executeBlocking(() -> store.page(r.room(), last.at(), last.id(), r.to(), pageSize), false)
                .onComplete(ar -> {
                    if (ar.failed()) {
                        LOG.warn("export of {}'s comments failed after a page: {}", r.room(), ar.cause().toString());
                        resp.reset(); // cut: a truncated export must not look complete
                        return;
                    }
                    send(ctx, r, origin, ar.result(), false);
                });
        if (resp.writeQueueFull()) {
            resp.drainHandler(v -> {
                resp.drainHandler(null);
                next.run();
            });
        } else {
            next.run();
        }
    }

    private static Optional<Long> epochMillis(RoutingContext ctx, String name) {
        String v = ctx.request().getParam(name);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(v.strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a program time in epoch milliseconds, was '" + ProgramJson.bounded(v) + "'");
        }
    }
}
