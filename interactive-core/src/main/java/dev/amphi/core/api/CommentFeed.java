package dev.amphi.core.api;

import dev.amphi.core.comments.CommentHub;
import dev.amphi.core.comments.CommentSettings;
import dev.amphi.core.comments.CommentWindows;
import dev.amphi.core.room.Room;
import dev.amphi.core.room.RoomRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What viewers fetch to show comments: each room's published comment windows as immutable objects
 * and a small, short-lived index (format in the module README), served from memory by plain GETs so
 * a CDN or a caching proxy in front carries any audience. No per-viewer state.
 * <ul>
 *   <li>{@code GET /live/{room}/comments/index.json}: {@code Cache-Control: public, max-age=1}.</li>
 *   <li>{@code GET /live/{room}/comments/{k}.json}: a published window, {@code Cache-Control: public,
 *       max-age=31536000, immutable}; one not published yet: 404 for a second
 *       ({@code max-age=1}); one older than the windows kept: 404 for an hour.</li>
 * </ul>
 * A Vert.x timer publishes the due windows every {@code tick} (memory only, on an event loop) and
 * re-encodes an index only when its room changed, or once a second; the
 * reaction counts of the published windows are written to the log on a worker.
 */
public final class CommentFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CommentFeed.class);
    private static final Pattern WINDOW = Pattern.compile("(\\d{1,18})\\.json");
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    static final String SHORT = "public, max-age=1";

    private final Vertx vertx;
    private final RoomRegistry registry;
    private final CommentHub hub;
    private final int keep;
    private final long tickMillis;
    private final Map<String, RoomFeed> feeds = new ConcurrentHashMap<>();
    private long timer = -1;

    /** One room's published objects. */
    private static final class RoomFeed {
        final ConcurrentSkipListMap<Long, Buffer> windows = new ConcurrentSkipListMap<>();
        volatile Buffer index;
        /** A removal or a settings change since the index was last encoded (any thread sets it). */
        volatile boolean changed;
        long encodedAt; // set when made, then by the timer only
    }

    /**
     * @param kept how much program time of windows is served (older ones are dropped from memory)
     * @param tick how often due windows are published
     */
    public CommentFeed(Vertx vertx, RoomRegistry registry, CommentHub hub, Duration kept, Duration tick) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.hub = Objects.requireNonNull(hub, "hub");
        this.keep = (int) Math.max(1, kept.toMillis() / hub.windowMillis());
        this.tickMillis = Math.max(10, tick.toMillis());
        for (Room r : registry.rooms()) {
            hub.open(r.name());
            feed(r.name());
        }
        hub.listen(new CommentHub.Listener() {
            @Override
            public void accepted(String room, CommentWindows.Accepted comment, boolean held) {
                // reaches the index only through a published window
            }

            @Override
            public void removed(String room, long id) {
                feed(room).changed = true;
            }

            @Override
            public void settingsChanged(String room, CommentSettings settings) {
                feed(room).changed = true;
            }
        });
    }

    /** Adds the routes to {@code router} (before the origin's {@code /live/{name}/{rendition}/{file}}). */
    public void mount(Router router) {
        router.route("/live/:name/comments/index.json").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::index);
        router.route("/live/:name/comments/:file").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::window);
    }

    /** Starts publishing every {@code tick}. */
    public void start() {
        timer = vertx.setPeriodic(tickMillis, id -> publish());
    }

    private RoomFeed feed(String room) {
        return feeds.computeIfAbsent(room, r -> {
            RoomFeed f = new RoomFeed();
            f.index = encodeIndex(r, f);
            f.encodedAt = System.nanoTime();
            return f;
        });
    }

    /**
     * Publishes what is due and refreshes the index of each room whose windows, removals or settings
     * changed, and every index at least once a second (the removals it lists expire with time).
     */
    void publish() {
        long now = System.nanoTime();
        List<CommentHub.Published> due = hub.publishDue();
        for (CommentHub.Published p : due) {
            RoomFeed f = feed(p.room());
            f.windows.put(p.window().index(), CommentJson.encode(p.room(), p.window()));
            while (f.windows.size() > keep) {
                f.windows.pollFirstEntry();
            }
            f.changed = true;
        }
        feeds.forEach((room, f) -> {
            if (f.changed || now - f.encodedAt >= 1_000_000_000L) {
                f.changed = false;
                f.encodedAt = now;
                f.index = encodeIndex(room, f);
            }
        });
        if (due.stream().anyMatch(p -> !p.window().reactions().isEmpty())) {
            vertx.executeBlocking(() -> {
                hub.persist(due);
                return null;
            }, true).onFailure(e -> LOG.warn("reaction counts not stored: {}", e.toString()));
        }
    }

    private Buffer encodeIndex(String room, RoomFeed f) {
        CommentSettings s = hub.settings(room);
        JsonArray removed = new JsonArray();
        hub.removed(room).forEach(id -> removed.add(Long.toString(id)));
        Map.Entry<Long, Buffer> first = f.windows.firstEntry();
        Map.Entry<Long, Buffer> last = f.windows.lastEntry();
        return new JsonObject()
                .put("room", room)
                .put("length", hub.windowMillis())
                .put("latest", last == null ? null : last.getKey())
                .put("oldest", first == null ? null : first.getKey())
                .put("mode", s.mode().wire())
                .put("slowMode", s.slowMode().toSeconds())
                .put("removed", removed)
                .toBuffer();
    }

    private void index(RoutingContext ctx) {
        Optional<Room> room = Responses.room(ctx, registry);
        if (room.isPresent()) {
            send(ctx, 200, SHORT, feed(room.get().name()).index);
        }
    }

    private void window(RoutingContext ctx) {
        Optional<Room> room = Responses.room(ctx, registry);
        if (room.isEmpty()) {
            return;
        }
        Matcher m = WINDOW.matcher(ctx.pathParam("file"));
        if (!m.matches()) {
            Responses.error(ctx, 404, "no such comment object; windows are named by number, e.g. 881234567.json");
            return;
        }
        long k = Long.parseLong(m.group(1));
        RoomFeed f = feed(room.get().name());
        Buffer b = f.windows.get(k);
        if (b != null) {
            String etag = "\"" + k + "\"";
            ctx.response().putHeader("ETag", etag);
            if (etag.equals(ctx.request().getHeader("If-None-Match"))) {
                ctx.response().setStatusCode(304).putHeader("Cache-Control", IMMUTABLE).end();
                return;
            }
            send(ctx, 200, IMMUTABLE, b);
            return;
        }
        Map.Entry<Long, Buffer> first = f.windows.firstEntry();
        boolean gone = first != null && k < first.getKey();
        ctx.response().setStatusCode(404)
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Cache-Control", gone ? "public, max-age=3600" : SHORT)
                .end(ProgramJson.error(gone ? "window " + k + " is no longer served" : "window " + k + " is not published yet").encode());
    }

    private static void send(RoutingContext ctx, int status, String cacheControl, Buffer body) {
        ctx.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Cache-Control", cacheControl)
                .end(body);
    }

    @Override
    public void close() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
