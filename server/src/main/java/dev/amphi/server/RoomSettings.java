package dev.amphi.server;

import dev.amphi.core.comments.CommentSettings;
import dev.amphi.core.room.Room;
import dev.amphi.transcode.RoomProgram;
import dev.amphi.transcode.encode.Rung;
import dev.amphi.transcode.encode.VideoCodec;
import dev.amphi.transcode.layout.Layout;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The effective program settings of one room: the global flags ({@code --canvas}, {@code --ladder},
 * ...), overridden by the room's own {@code --room-setting ROOM.KEY=VALUE} entries. Validated with
 * the program builder's own limits, so a room that starts here also builds.
 *
 * @param room         room name
 * @param mode         composite (a program) or passthrough (one publisher's own stream)
 * @param canvasWidth  composited picture width
 * @param canvasHeight composited picture height
 * @param fps          program frame rate
 * @param ladder       video rungs, highest first, each within the canvas
 * @param codec        H.264 encoder
 * @param preset       encoder preset, one of {@code codec}'s; empty: chosen from the machine's core count
 * @param layout       layout the program starts with
 * @param mixLoudest   loudest speakers mixed
 * @param maxSpeakers  speakers admitted
 * @param audioBitrate AAC bitrate of the program, bit/s
 * @param demoSpeakers synthetic speakers started with the server (0..maxSpeakers; only in a composited room)
 * @param comments     viewers' comments: mode, slow mode, hold for approval (any room, passthrough too)
 * @param blockedWords words a comment must not contain (any room)
 * @throws Invalid naming the {@link Key}s whose values do not fit
 */
public record RoomSettings(String room, ProgramConfig.RoomMode mode, int canvasWidth, int canvasHeight, int fps,
                           List<Rung> ladder, VideoCodec codec, Optional<String> preset, Layout layout, int mixLoudest,
                           int maxSpeakers, int audioBitrate, int demoSpeakers, CommentSettings comments,
                           List<String> blockedWords) {

    /** The settings a room may override, by their {@code --room-setting} key (the global flag's name). */
    public enum Key {
        MODE("mode", "--room-mode"),
        LADDER("ladder", "--ladder"),
        CANVAS("canvas", "--canvas"),
        FPS("fps", "--fps"),
        LAYOUT("layout", "--layout"),
        VIDEO_CODEC("video-codec", "--video-codec"),
        PRESET("preset", "--preset"),
        MIX_LOUDEST("mix-loudest", "--mix-loudest"),
        MAX_SPEAKERS("max-speakers", "--max-speakers"),
        AUDIO_BITRATE("audio-bitrate", "--audio-bitrate"),
        DEMO("demo", "--demo"),
        COMMENTS("comments", "--comments", false),
        BLOCKED_WORDS("blocked-words", "--blocked-words", false),
        COMMENTS_SLOW_MODE("comments-slow-mode", "--comments-slow-mode", false),
        COMMENTS_HOLD("comments-hold", "--comments-hold", false);

        private final String key;
        private final String flag;
        private final boolean program;

        Key(String key, String flag) {
            this(key, flag, true);
        }

        Key(String key, String flag, boolean program) {
            this.key = key;
            this.flag = flag;
            this.program = program;
        }

        /** Whether it sets the room's program (unused in a passthrough room), rather than the room itself. */
        public boolean program() {
            return program;
        }

        /** The name in {@code ROOM.KEY=VALUE}, e.g. {@code video-codec}. */
        public String key() {
            return key;
        }

        /** The global flag this key overrides, e.g. {@code --video-codec}. */
        public String flag() {
            return flag;
        }

        /** The key named {@code name}, or empty. */
        static Optional<Key> of(String name) {
            return Arrays.stream(values()).filter(k -> k.key.equals(name)).findFirst();
        }

        /** Every key, comma-separated, for error messages. */
        static String all() {
            return Arrays.stream(values()).map(Key::key).collect(Collectors.joining(", "));
        }
    }

    /** Settings that do not fit; {@link #keys()} names the settings involved. */
    public static final class Invalid extends IllegalArgumentException {
        private final Set<Key> keys;

        Invalid(String message, Set<Key> keys, Throwable cause) {
            super(message, cause);
            this.keys = Set.copyOf(keys);
        }

        /** The settings whose values clash or are out of range. */
        public Set<Key> keys() {
            return keys;
        }
    }

    public RoomSettings {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(ladder, "ladder");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(preset, "preset");
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(comments, "comments");
        blockedWords = List.copyOf(blockedWords);
        if (!Room.isValidName(room)) {
            throw new IllegalArgumentException("room name must match [a-z0-9-]{1,64}, was '" + room + "'");
        }
        ladder = List.copyOf(ladder);
        // the program builder holds the limits of each value; ask it rather than repeat them
        RoomProgram.Builder check = RoomProgram.builder(room);
        int w = canvasWidth;
        int h = canvasHeight;
        List<Rung> rungs = ladder;
        validate(() -> check.canvas(w, h), Key.CANVAS);
        validate(() -> check.fps(fps), Key.FPS);
        validate(() -> check.ladder(rungs), Key.LADDER);
        validate(() -> check.mixLoudest(mixLoudest), Key.MIX_LOUDEST);
        validate(() -> check.maxSpeakers(maxSpeakers), Key.MAX_SPEAKERS);
        validate(() -> check.audioBitrate(audioBitrate), Key.AUDIO_BITRATE);
        for (Rung r : ladder) {
            if (r.width() > canvasWidth || r.height() > canvasHeight) {
                throw new Invalid("ladder rung " + r + " is larger than the " + canvasWidth + "x" + canvasHeight + " canvas",
                        EnumSet.of(Key.LADDER, Key.CANVAS), null);
            }
        }
        preset.ifPresent(p -> {
            if (!codec.presets().contains(p)) {
                throw new Invalid("preset " + p + " is not a " + codec.ffmpegName() + " preset; use one of "
                        + new TreeSet<>(codec.presets()), EnumSet.of(Key.PRESET, Key.VIDEO_CODEC), null);
            }
        });
        if (demoSpeakers < 0) {
            throw new Invalid("demo must not be negative, was " + demoSpeakers, EnumSet.of(Key.DEMO), null);
        }
        if (demoSpeakers > maxSpeakers) {
            throw new Invalid("demo " + demoSpeakers + " is more than max-speakers " + maxSpeakers,
                    EnumSet.of(Key.DEMO, Key.MAX_SPEAKERS), null);
        }
        if (demoSpeakers > 0 && mode != ProgramConfig.RoomMode.COMPOSITE) {
            throw new Invalid("demo speakers need a composited room, but room " + room + " is "
                    + mode.name().toLowerCase(Locale.ROOT),
                    EnumSet.of(Key.DEMO, Key.MODE), null);
        }
    }

    private static void validate(Runnable setter, Key key) {
        try {
            setter.run();
        } catch (IllegalArgumentException e) {
            throw new Invalid(e.getMessage(), EnumSet.of(key), e);
        }
    }

    /** Whether the room composites its speakers into a program. */
    public boolean composite() {
        return mode == ProgramConfig.RoomMode.COMPOSITE;
    }

    /** Fills a program builder with these settings. */
    RoomProgram.Builder apply(RoomProgram.Builder b) {
        b.canvas(canvasWidth, canvasHeight).fps(fps).ladder(ladder).codec(codec).layout(layout)
                .mixLoudest(mixLoudest).maxSpeakers(maxSpeakers).audioBitrate(audioBitrate);
        preset.ifPresent(b::preset);
        Long jitterMs = Long.getLong(JITTER_PROPERTY);
        if (jitterMs != null) {
            b.jitterBuffer(java.time.Duration.ofMillis(jitterMs));
        }
        return b;
    }

    /**
     * A measuring knob, not an option: the speakers' jitter buffer in milliseconds (the program's
     * default, 200 ms, without it), for bench/glass-to-glass.sh to compare settings in one run.
     */
    static final String JITTER_PROPERTY = "amphi.bench.jitterBufferMs";

    /** One line for the start-up log, e.g. {@code composite 640x360@30, ladder 360p:640x360:600k, ...}. */
    public String summary() {
        if (!composite()) {
            return "passthrough";
        }
        return "composite " + canvasWidth + "x" + canvasHeight + "@" + fps
                + ", ladder " + ladder.stream().map(Rung::toString).collect(Collectors.joining(","))
                + ", " + codec.ffmpegName() + " preset " + preset.orElse("auto")
                + ", layout " + layout.spec()
                + ", mix-loudest " + mixLoudest
                + ", max-speakers " + maxSpeakers
                + ", audio " + (audioBitrate % 1000 == 0 ? audioBitrate / 1000 + "k" : String.valueOf(audioBitrate))
                + ", demo " + demoSpeakers;
    }
}
