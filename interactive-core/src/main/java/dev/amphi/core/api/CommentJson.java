package dev.amphi.core.api;

import dev.amphi.core.comments.CommentWindows;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
        return new JsonObject()
                .put("room", room)
                .put("window", w.index())
                .put("from", Instant.ofEpochMilli(w.from()).toString())
                .put("to", Instant.ofEpochMilli(w.to()).toString())
                .put("comments", comments);
    }

    /** One comment as viewers (and an export) see it: {@code {"id","t","text","mode","color","nick"}}. */
    static JsonObject comment(CommentWindows.Accepted c) {
        return new JsonObject()
                .put("id", Long.toString(c.id()))
                .put("t", c.at())
                .put("text", c.draft().text())
                .put("mode", c.draft().mode().wire())
                .put("color", c.draft().color())
                .put("nick", c.nickname());
    }

    /** The window's bytes, as served (UTF-8). */
    static Buffer encode(String room, CommentWindows.Window w) {
        return window(room, w).toBuffer();
    }
}
