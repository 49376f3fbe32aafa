package dev.amphi.server;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How each room turns its publishers into a program: every room's effective {@link RoomSettings}
 * (the global flags with the room's own {@code --room-setting} overrides applied), in room order,
 * the lobby first. Built by {@link RoomSettingsResolver}.
 *
 * @param rooms every configured room's settings, keyed by room name
 */
public record ProgramConfig(Map<String, RoomSettings> rooms, Map<RoomSettings.Key, String> globals) {

    /** What a room does with its publishers. */
    public enum RoomMode {
        /** Every publisher is a speaker; the room's program is composited and encoded into the ladder. */
        COMPOSITE,
        /** One publisher at a time; its own H.264/AAC is repackaged as is. */
        PASSTHROUGH
    }

    public ProgramConfig {
        Objects.requireNonNull(rooms, "rooms");
        if (rooms.isEmpty()) {
            throw new IllegalArgumentException("program settings need at least one room");
        }
        rooms.forEach((name, settings) -> {
            if (!name.equals(settings.room())) {
                throw new IllegalArgumentException("settings of room " + settings.room() + " filed under room " + name);
            }
        });
        rooms = Collections.unmodifiableMap(new LinkedHashMap<>(rooms));
        globals = Collections.unmodifiableMap(new java.util.EnumMap<>(globals.isEmpty()
                ? Map.<RoomSettings.Key, String>of(RoomSettings.Key.DEMO, "0") : globals));
    }

    /**
     * The settings of a room made at run time: the global flags, then {@code overrides} (by
     * {@code --room-setting} key), with the checks of a configured room's.
     *
     * @throws IllegalArgumentException naming the setting at fault
     */
    public RoomSettings forNewRoom(String name, Map<String, String> overrides) {
        return RoomSettingsResolver.resolveNew(name, globals, overrides);
    }

    /** Settings keyed by their room, in list order. */
    static ProgramConfig of(List<RoomSettings> settings, Map<RoomSettings.Key, String> globals) {
        Map<String, RoomSettings> map = new LinkedHashMap<>();
        for (RoomSettings s : settings) {
            if (map.put(s.room(), s) != null) {
                throw new IllegalArgumentException("room " + s.room() + " has two sets of program settings");
            }
        }
        return new ProgramConfig(map, globals);
    }

    /**
     * The effective settings of room {@code name}.
     *
     * @throws IllegalArgumentException for a room that is not configured
     */
    public RoomSettings forRoom(String name) {
        RoomSettings s = rooms.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no program settings for room '" + name + "'; configured rooms: " + rooms.keySet());
        }
        return s;
    }

    /** The mode of room {@code name}. */
    public RoomMode modeOf(String name) {
        return forRoom(name).mode();
    }
}
