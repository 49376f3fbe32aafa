package dev.amphi.server;

import dev.amphi.core.comments.CommentSettings;
import dev.amphi.core.comments.RoomCommentMode;
import dev.amphi.core.room.RoomRegistry;
import dev.amphi.server.RoomSettings.Key;
import dev.amphi.transcode.encode.Rung;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Resolves every room's effective {@link RoomSettings}: the global flags, then {@code --passthrough
 * ROOM} (a shorthand for {@code ROOM.mode=passthrough}), then the room's own {@code --room-setting
 * ROOM.KEY=VALUE} entries. Each value goes through the same {@link Values} parser as its global
 * flag and the same checks ({@link RoomSettings}); a failure names where the values came from
 * (option, room, key and value). Runs once, on the thread that parses the configuration.
 */
final class RoomSettingsResolver {

    static final String OPTION = "--room-setting";
    /** A comma that starts the next entry: the text after it reaches an '=' before any comma (rungs have no '='). */
    private static final Pattern ENTRY_SEPARATOR = Pattern.compile(",(?=[^,=]*=)");
    private static final Pattern ENTRY = Pattern.compile("([^.=]*)\\.([^=]*)=(.*)", Pattern.DOTALL);

    private RoomSettingsResolver() {
    }

    /** A value and where it came from, e.g. {@code --fps 30} or {@code --room-setting panel.fps=25}. */
    private record Sourced(String text, String origin) {
    }

    /** One {@code ROOM.KEY=VALUE} entry. */
    record Entry(String room, Key key, String value, boolean fromApi) {
        Entry(String room, Key key, String value) {
            this(room, key, value, false);
        }

        String origin() {
            return fromApi ? "settings." + key.key() + "=" + value : OPTION + " " + room + "." + key.key() + "=" + value;
        }
    }

    /**
     * Splits one {@code --room-setting} value into its entries: several may be given separated by
     * commas (as the environment and the config file must), and a comma only separates entries
     * when a {@code KEY=} follows, so a ladder value keeps its commas:
     * {@code panel.ladder=720p:1280x720:3000k,360p:640x360:700k,panel.fps=25} is two entries.
     */
    static List<String> split(String value) {
        List<String> entries = new ArrayList<>();
        for (String e : ENTRY_SEPARATOR.split(value)) {
            String entry = e.strip().replaceFirst("[,\\s]+$", ""); // a trailing comma ends a list, not a rung
            if (!entry.isEmpty()) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /**
     * Parses {@code --room-setting} values into entries, checking the syntax, the room, the key
     * and that no key is given twice for a room.
     */
    static List<Entry> entries(List<String> values, Set<String> rooms) {
        List<Entry> entries = new ArrayList<>();
        Map<String, Entry> seen = new LinkedHashMap<>();
        for (String value : values) {
            for (String text : split(value)) {
                Matcher m = ENTRY.matcher(text);
                if (!m.matches()) {
                    throw new IllegalArgumentException(OPTION + " '" + text + "' must look like ROOM.KEY=VALUE, e.g. "
                            + "panel.ladder=720p:1280x720:3000k,360p:640x360:700k");
                }
                String room = m.group(1).strip();
                String keyName = m.group(2).strip();
                String v = m.group(3).strip();
                if (!rooms.contains(room)) {
                    throw new IllegalArgumentException(OPTION + " " + text + ": no room '" + room + "'; the rooms are "
                            + String.join(", ", rooms) + " (add one with --room NAME=KEY)");
                }
                Key key = Key.of(keyName).orElseThrow(() -> new IllegalArgumentException(OPTION + " " + text
                        + ": unknown key '" + keyName + "'; valid keys: " + Key.all()));
                if (v.isEmpty()) {
                    throw new IllegalArgumentException(OPTION + " " + text + ": the value is empty");
                }
                Entry entry = new Entry(room, key, v);
                Entry before = seen.put(room + "." + key.key(), entry);
                if (before != null) {
                    throw new IllegalArgumentException(OPTION + " " + room + "." + key.key() + " is given twice: '"
                            + before.value() + "' and '" + v + "'");
                }
                entries.add(entry);
            }
        }
        return entries;
    }

    /**
     * Every room's settings.
     *
     * @param globals        the global flags' values as text; {@link Key#LADDER} and {@link Key#PRESET}
     *                       may be absent (default ladder within the canvas; preset by core count),
     *                       {@link Key#DEMO} is the lobby's
     * @param rooms          every room, the lobby first
     * @param passthrough    {@code --passthrough} rooms
     * @param roomSettings   {@code --room-setting} values
     * @throws IllegalArgumentException naming the option, room, key and value at fault
     */
    static ProgramConfig resolve(Map<Key, String> globals, List<String> rooms, List<String> passthrough,
                                 List<String> roomSettings) {
        Set<String> names = new LinkedHashSet<>(rooms);
        List<Entry> entries = entries(roomSettings, names);
        Set<String> passthroughRooms = new LinkedHashSet<>();
        for (String p : passthrough) {
            String room = p.strip();
            if (room.isEmpty()) {
                continue;
            }
            if (!names.contains(room)) {
                throw new IllegalArgumentException("--passthrough " + room + ": no room '" + room + "'; the rooms are "
                        + String.join(", ", names) + " (add one with --room NAME=KEY)");
            }
            passthroughRooms.add(room);
        }
        List<RoomSettings> settings = new ArrayList<>();
        for (String room : names) {
            List<Entry> own = entries.stream().filter(e -> e.room().equals(room)).toList();
            settings.add(resolve(room, globals, passthroughRooms.contains(room), own));
        }
        return ProgramConfig.of(settings, globals);
    }

    /**
     * The settings of a room made at run time (the rooms API): the global flags, then its own values
     * ({@code overrides}, by {@code --room-setting} key), checked as a flag room's are; a failure
     * names the setting as {@code settings.KEY=VALUE}.
     *
     * @throws IllegalArgumentException for an unknown key or a value that does not fit
     */
    static RoomSettings resolveNew(String room, Map<Key, String> globals, Map<String, String> overrides) {
        List<Entry> own = new ArrayList<>();
        for (Map.Entry<String, String> o : overrides.entrySet()) {
            Key key = Key.of(o.getKey()).orElseThrow(() -> new IllegalArgumentException("settings." + o.getKey()
                    + ": no such setting; the settings are " + Key.all()));
            own.add(new Entry(room, key, o.getValue(), true));
        }
        return resolve(room, globals, false, own);
    }

    private static RoomSettings resolve(String room, Map<Key, String> globals, boolean passthrough, List<Entry> own) {
        Map<Key, Sourced> values = new EnumMap<>(Key.class);
        globals.forEach((key, text) -> {
            if (key != Key.DEMO && text != null && !text.isBlank()) {
                values.put(key, new Sourced(text.strip(), key.flag() + " " + text.strip()));
            }
        });
        String demo = globals.getOrDefault(Key.DEMO, "0");
        values.put(Key.DEMO, RoomRegistry.LOBBY.equals(room) ? new Sourced(demo, "--demo " + demo)
                : new Sourced("0", "no demo speakers (--demo is the lobby's)"));
        if (passthrough) {
            values.put(Key.MODE, new Sourced("passthrough", "--passthrough " + room));
        }
        for (Entry e : own) {
            Sourced value = new Sourced(e.value(), e.origin());
            if (passthrough && e.key() == Key.MODE && parse(value, Values::roomMode) != ProgramConfig.RoomMode.PASSTHROUGH) {
                throw new IllegalArgumentException("--passthrough " + room + " and " + e.origin() + " contradict each other");
            }
            values.put(e.key(), value);
        }
        values.putIfAbsent(Key.COMMENTS, new Sourced("text", "the default comment mode"));
        values.putIfAbsent(Key.COMMENTS_SLOW_MODE, new Sourced("0s", "no slow mode by default"));
        values.putIfAbsent(Key.COMMENTS_HOLD, new Sourced("off", "no hold by default"));
        for (Key k : List.of(Key.MODE, Key.CANVAS, Key.FPS, Key.VIDEO_CODEC, Key.LAYOUT, Key.MIX_LOUDEST, Key.MAX_SPEAKERS,
                Key.AUDIO_BITRATE)) {
            if (!values.containsKey(k)) {
                throw new IllegalArgumentException("room " + room + ": no value for " + k.key() + " (" + k.flag() + ")");
            }
        }

        ProgramConfig.RoomMode mode = parse(values.get(Key.MODE), Values::roomMode);
        if (mode == ProgramConfig.RoomMode.PASSTHROUGH) {
            for (Entry e : own) {
                if (e.key() != Key.MODE && e.key().program()) {
                    throw new IllegalArgumentException(e.origin() + ": room " + room + " passes its publisher through ("
                            + values.get(Key.MODE).origin() + "), so its " + e.key().key() + " would not be used; "
                            + "remove the setting or set " + room + ".mode=composite");
                }
            }
        }
        int[] canvas = parse(values.get(Key.CANVAS), Values::canvas);
        List<Rung> ladder = values.containsKey(Key.LADDER) ? parse(values.get(Key.LADDER), Values::ladder) : List.of();
        if (ladder.isEmpty()) {
            ladder = Rung.defaults().stream().filter(r -> r.width() <= canvas[0] && r.height() <= canvas[1]).toList();
            if (ladder.isEmpty()) {
                throw new IllegalArgumentException(values.get(Key.CANVAS).origin() + ": no rung of the default ladder ("
                        + Rung.defaults().stream().map(Rung::toString).collect(Collectors.joining(","))
                        + ") fits the canvas; set --ladder or " + room + ".ladder");
            }
            values.put(Key.LADDER, new Sourced(ladder.toString(), "the default ladder within the canvas"));
        }
        Optional<String> preset = values.containsKey(Key.PRESET) ? parse(values.get(Key.PRESET), Values::preset) : Optional.empty();
        CommentSettings comments = new CommentSettings(parse(values.get(Key.COMMENTS), RoomCommentMode::parse),
                parse(values.get(Key.COMMENTS_SLOW_MODE), Values::slowMode),
                parse(values.get(Key.COMMENTS_HOLD), Values::onOff));
        List<String> blocked = values.containsKey(Key.BLOCKED_WORDS) ? parse(values.get(Key.BLOCKED_WORDS), Values::words) : List.of();
        try {
            return new RoomSettings(room, mode, canvas[0], canvas[1],
                    parse(values.get(Key.FPS), Values::count),
                    ladder,
                    parse(values.get(Key.VIDEO_CODEC), Values::videoCodec),
                    preset,
                    parse(values.get(Key.LAYOUT), Values::layout),
                    parse(values.get(Key.MIX_LOUDEST), Values::count),
                    parse(values.get(Key.MAX_SPEAKERS), Values::count),
                    parse(values.get(Key.AUDIO_BITRATE), Values::bitrate),
                    parse(values.get(Key.DEMO), Values::count),
                    comments, blocked);
        } catch (RoomSettings.Invalid e) {
            String origins = e.keys().stream().sorted().map(values::get).map(Sourced::origin).collect(Collectors.joining(" and "));
            throw new IllegalArgumentException(origins + ": " + e.getMessage(), e);
        }
    }

    private static <T> T parse(Sourced value, Function<String, T> parser) {
        try {
            return parser.apply(value.text());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(value.origin() + ": " + e.getMessage(), e);
        }
    }
}
