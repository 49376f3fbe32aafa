package dev.amphi.core.api;

import dev.amphi.core.comments.CommentSettings;
import dev.amphi.core.comments.CommentWindows;
import dev.amphi.core.comments.RoomCommentMode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;

/**
 * The JSON of a published comment window, the object viewers fetch (format in the module README):
 * <pre>{"room":"hall","window":42,"from":"2026-12-07T12:00:02Z","to":"2026-12-07T12:00:04Z",
 *  "comments":[{"id":"812…","t":1765108803250,"text":"great talk","mode":"scroll","color":"#ffffff","nick":"Quiet Owl 7"}]}</pre>
 * {@code t} is the comment's program time in epoch milliseconds (the playhead's
 * {@code EXT-X-PROGRAM-DATE-TIME}), {@code id} a string because it does not fit a JavaScript number.
 */
final class CommentJson {

    private CommentJson() {
    }

    static JsonObject window(String room, CommentWindows.Window w) {
        JsonArray comments = new JsonArray();
        for (CommentWindows.Accepted c : w.comments()) {
            comments.add(comment(c));
        }
        JsonArray reactions = new JsonArray();
        for (CommentWindows.ReactionSecond r : w.reactions()) {
            JsonObject counts = new JsonObject();
            r.counts().forEach(counts::put);
            reactions.add(new JsonObject().put("t", r.second()).put("counts", counts));
        }
        return new JsonObject()
                .put("room", room)
                .put("window", w.index())
                .put("from", Instant.ofEpochMilli(w.from()).toString())
                .put("to", Instant.ofEpochMilli(w.to()).toString())
                .put("comments", comments)
                .put("reactions", reactions);
    }

    /**
     * One comment as viewers (and an export) see it: {@code {"id","t","text","mode","color","nick"}};
     * nothing identifies its poster but the nickname.
     */
    static JsonObject comment(CommentWindows.Accepted c) {
        return new JsonObject()
                .put("id", Long.toString(c.id()))
                .put("t", c.at())
                .put("text", c.draft().text())
                .put("mode", c.draft().mode().wire())
                .put("color", c.draft().color())
                .put("nick", c.nickname());
    }

    /** One comment as hosts see it on the event stream: also the viewer's id (to mute) and whether it is held. */
    static JsonObject forHosts(CommentWindows.Accepted c, boolean held) {
        return comment(c).put("viewer", c.viewer()).put("held", held);
    }

    /** A room's comment settings, as {@code GET/PUT .../comment-settings} and the events carry them. */
    static JsonObject settings(CommentSettings s) {
        return new JsonObject().put("mode", s.mode().wire()).put("slowMode", s.slowMode().toSeconds()).put("hold", s.hold());
    }

    /**
     * Reads a settings change: any of {@code mode} ({@code text|emoji|off}), {@code slowMode}
     * (whole seconds, 0 off) and {@code hold} (boolean); the others keep {@code current}.
     *
     * @throws IllegalArgumentException naming the field and the rule
     */
    static CommentSettings parseSettings(String body, CommentSettings current) {
        JsonObject o;
        try {
            o = new JsonObject(body == null ? "" : body);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the body must be a JSON object, e.g. {\"mode\":\"emoji\",\"slowMode\":10,\"hold\":false}");
        }
        for (String field : o.fieldNames()) {
            if (!field.equals("mode") && !field.equals("slowMode") && !field.equals("hold")) {
                throw new IllegalArgumentException("unknown field '" + ProgramJson.bounded(field) + "'; use mode, slowMode, hold");
            }
        }
        RoomCommentMode mode = current.mode();
        Duration slow = current.slowMode();
        boolean hold = current.hold();
        if (o.containsKey("mode")) {
            Object m = o.getValue("mode");
            try {
                mode = RoomCommentMode.parse(m instanceof String str ? str : null);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("mode must be text, emoji or off");
            }
        }
        if (o.containsKey("slowMode")) {
            Object v = o.getValue("slowMode");
            if (!(v instanceof Number n) || n.doubleValue() != Math.floor(n.doubleValue()) || n.longValue() < 0
                    || n.longValue() > CommentSettings.MAX_SLOW_MODE.toSeconds()) {
                throw new IllegalArgumentException("slowMode must be whole seconds from 0 (off) to "
                        + CommentSettings.MAX_SLOW_MODE.toSeconds());
            }
            slow = Duration.ofSeconds(n.longValue());
        }
        if (o.containsKey("hold")) {
            if (!(o.getValue("hold") instanceof Boolean b)) {
                throw new IllegalArgumentException("hold must be true or false");
            }
            hold = b;
        }
        return new CommentSettings(mode, slow, hold);
    }

    /** The window's bytes, as served (UTF-8). */
    static Buffer encode(String room, CommentWindows.Window w) {
        return window(room, w).toBuffer();
    }
}
