package dev.amphi.core.api;

import dev.amphi.core.room.LayoutChoice;
import dev.amphi.core.room.ProgramState;
import dev.amphi.core.room.SpeakerView;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The program API's JSON: reading a layout request and writing program state, speakers and
 * layouts. Pure functions, no I/O.
 *
 * <ul>
 *   <li>layout: {@code {"layout":"gallery","page":2}} ({@code page} optional, default 1),
 *       {@code {"layout":"speaker"}}, {@code {"layout":"presentation","source":"slides"}}</li>
 *   <li>speaker: {@code {"id":"ada","name":"Ada","level":-23.4,"visible":true}} (level in dBFS,
 *       one decimal, -120 for silence)</li>
 *   <li>program: {@code {"room","mode","running","live","layout","activeSpeaker","speakers"}}, with
 *       {@code layout} and {@code activeSpeaker} null where there is none</li>
 * </ul>
 */
final class ProgramJson {

    private static final Set<String> LAYOUT_FIELDS = Set.of("layout", "page", "source");

    private ProgramJson() {
    }

    /**
     * Reads a layout request body.
     *
     * @throws IllegalArgumentException naming what is wrong: not JSON, not an object, a missing or
     *                                  unknown layout, a page that is not a whole number in range, a
     *                                  missing source, a field that does not belong
     */
    static LayoutChoice parseLayout(String body) {
        Object parsed;
        try {
            parsed = body == null || body.isBlank() ? null : io.vertx.core.json.Json.decodeValue(body);
        } catch (DecodeException e) {
            throw new IllegalArgumentException("body is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (!(parsed instanceof JsonObject o)) {
            throw new IllegalArgumentException("body must be a JSON object such as {\"layout\":\"speaker\"}");
        }
        for (String field : o.fieldNames()) {
            if (!LAYOUT_FIELDS.contains(field)) {
                throw new IllegalArgumentException("unknown field '" + bounded(field) + "', expected layout, page or source");
            }
        }
        Object name = o.getValue("layout");
        if (!(name instanceof String layoutName)) {
            throw new IllegalArgumentException("field 'layout' must be a string: gallery, speaker or presentation");
        }
        String kind = layoutName.strip().toLowerCase(Locale.ROOT);
        switch (kind) {
            case "gallery" -> {
                noField(o, "source", "gallery");
                return LayoutChoice.gallery(page(o.getValue("page")));
            }
            case "speaker" -> {
                noField(o, "page", "speaker");
                noField(o, "source", "speaker");
                return LayoutChoice.speaker();
            }
            case "presentation" -> {
                noField(o, "page", "presentation");
                Object source = o.getValue("source");
                if (!(source instanceof String s) || s.isBlank()) {
                    throw new IllegalArgumentException("presentation layout needs 'source': the id of the speaker to present");
                }
                return LayoutChoice.presentation(s.strip());
            }
            default -> throw new IllegalArgumentException("unknown layout '" + bounded(layoutName)
                    + "', expected gallery, speaker or presentation");
        }
    }

    private static int page(Object value) {
        if (value == null) {
            return 1;
        }
        if (!(value instanceof Integer || value instanceof Long)) {
            throw new IllegalArgumentException("gallery 'page' must be a whole number within 1.." + LayoutChoice.MAX_PAGE
                    + ", was " + bounded(String.valueOf(value)));
        }
        long page = ((Number) value).longValue();
        if (page < 1 || page > LayoutChoice.MAX_PAGE) {
            throw new IllegalArgumentException("gallery 'page' must be within 1.." + LayoutChoice.MAX_PAGE + ", was " + page);
        }
        return (int) page;
    }

    private static void noField(JsonObject o, String field, String layout) {
        if (o.containsKey(field)) {
            throw new IllegalArgumentException(layout + " layout takes no '" + field + "'");
        }
    }

    static JsonObject layout(LayoutChoice layout) {
        JsonObject o = new JsonObject().put("layout", layout.kind().wireName());
        switch (layout.kind()) {
            case GALLERY -> o.put("page", layout.page());
            case PRESENTATION -> o.put("source", layout.source());
            default -> { }
        }
        return o;
    }

    static JsonArray speakers(List<SpeakerView> speakers) {
        JsonArray a = new JsonArray();
        for (SpeakerView s : speakers) {
            a.add(new JsonObject()
                    .put("id", s.id())
                    .put("name", s.displayName())
                    .put("level", Math.round(s.levelDbfs() * 10) / 10.0)
                    .put("visible", s.visible())
                    .put("muted", s.muted())
                    .put("kbps", s.kbps()));
        }
        return a;
    }

    static JsonObject state(String room, ProgramState state, boolean live) {
        return new JsonObject()
                .put("room", room)
                .put("mode", state.mode().wireName())
                .put("running", state.running())
                .put("live", live)
                .put("layout", state.layout().map(ProgramJson::layout).orElse(null))
                .put("activeSpeaker", state.activeSpeaker().orElse(null))
                .put("speakers", speakers(state.speakers()));
    }

    static JsonObject error(String message) {
        return new JsonObject().put("error", message);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return bounded(nl < 0 ? s : s.substring(0, nl));
    }

    static String bounded(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
