package dev.amphi.server;

import dev.amphi.core.comments.CommentSettings;
import dev.amphi.core.room.Room;
import dev.amphi.transcode.encode.Rung;
import dev.amphi.transcode.encode.VideoCodec;
import dev.amphi.transcode.layout.Layout;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parsers for configuration values (durations, byte sizes, rooms, and the program settings that
 * the global flags and {@code --room-setting} share), some as picocli converters. They check the
 * syntax; ranges of program settings are the program builder's (see {@link RoomSettings}).
 */
final class Values {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]i?b?|b)?");
    private static final Pattern BITRATE = Pattern.compile("(\\d{1,9})([kKmM]?)");
    private static final Pattern CANVAS = Pattern.compile("(\\d{1,5})x(\\d{1,5})");
    private static final Pattern COUNT = Pattern.compile("-?\\d{1,9}");

    private Values() {
    }

    /** {@code 2s}, {@code 500ms}, {@code 1.5s}, {@code 2m}, {@code 1h}, a bare number of seconds, or ISO-8601 {@code PT2S}. */
    static Duration duration(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        if (s.startsWith("pt")) {
            try {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not a duration: '" + text + "'");
            }
        }
        Matcher m = DURATION.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (examples: 2s, 500ms, 1.5s, 2m)");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> n;
            case "s" -> n * 1000;
            case "m", "min" -> n * 60_000;
            default -> n * 3_600_000;
        };
        return Duration.ofMillis(Math.round(millis));
    }

    /** Bytes: {@code 8MiB}, {@code 512k}, {@code 1g}, a bare number of bytes (powers of 1024). */
    static long size(String text) {
        Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: '" + text + "' (examples: 8MiB, 512KiB, 1048576)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        int shift = switch (unit.charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("size too large: '" + text + "'");
        }
        return n << shift;
    }

    /** A bitrate in bit/s: digits with an optional {@code k} (x1000) or {@code m} (x1000000) suffix. */
    static int bitrate(String text) {
        Matcher m = BITRATE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a bitrate: '" + text + "' (examples: 128k, 128000, 6m)");
        }
        long n = Long.parseLong(m.group(1));
        long bps = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> n * 1000;
            case "m" -> n * 1_000_000;
            default -> n;
        };
        if (bps > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bitrate too large: '" + text + "'");
        }
        return (int) bps;
    }

    /** {@code composite} or {@code passthrough}, any case. */
    static ProgramConfig.RoomMode roomMode(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "composite" -> ProgramConfig.RoomMode.COMPOSITE;
            case "passthrough" -> ProgramConfig.RoomMode.PASSTHROUGH;
            default -> throw new IllegalArgumentException("must be composite or passthrough, was '" + text + "'");
        };
    }

    /** {@code WIDTHxHEIGHT}, e.g. {@code 1920x1080}, as {@code {width, height}}; the program builder checks the range. */
    static int[] canvas(String text) {
        Matcher m = CANVAS.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a picture size: '" + text + "' (example: 1920x1080)");
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    /** A slow mode: a duration of whole seconds from 0 (off) to {@link CommentSettings#MAX_SLOW_MODE}. */
    static Duration slowMode(String text) {
        Duration d = duration(text);
        if (d.toMillis() % 1000 != 0 || d.compareTo(CommentSettings.MAX_SLOW_MODE) > 0) {
            throw new IllegalArgumentException("slow mode must be whole seconds from 0 (off) to "
                    + CommentSettings.MAX_SLOW_MODE.toSeconds() + "s, was '" + text + "'");
        }
        return d;
    }

    /** {@code on}/{@code true}/{@code yes} or {@code off}/{@code false}/{@code no}. */
    static boolean onOff(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new IllegalArgumentException("must be on or off, was '" + text + "'");
        };
    }

    /** Comma-separated words or phrases; blank entries skipped. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        for (String w : text.split(",")) {
            if (!w.isBlank()) {
                out.add(w.strip());
            }
        }
        return out;
    }

    /** A whole number (frame rate, speaker counts); the program builder checks the range. */
    static int count(String text) {
        String s = text.strip();
        if (!COUNT.matcher(s).matches()) {
            throw new IllegalArgumentException("not a whole number: '" + text + "'");
        }
        return Integer.parseInt(s);
    }

    /**
     * Comma-separated rungs {@code NAME:WxH:BITRATE}, highest first ({@link Rung#parse}); blank
     * entries are skipped, so an empty text is an empty list (the caller's default ladder).
     */
    static List<Rung> ladder(String text) {
        List<Rung> rungs = new ArrayList<>();
        for (String spec : text.split(",")) {
            if (!spec.isBlank()) {
                rungs.add(Rung.parse(spec.strip()));
            }
        }
        return rungs;
    }

    /** {@code libx264}, {@code libopenh264} or {@code h264_nvenc} ({@link VideoCodec#parse}). */
    static VideoCodec videoCodec(String text) {
        return VideoCodec.parse(text.strip());
    }

    /** An encoder preset; blank: empty (chosen from the core count). The codec's list is checked with the codec. */
    static Optional<String> preset(String text) {
        return Optional.ofNullable(text).map(String::strip).filter(s -> !s.isEmpty());
    }

    /** {@code gallery}, {@code gallery:N}, {@code speaker} or {@code presentation:ID} ({@link Layout#parse}). */
    static Layout layout(String text) {
        return Layout.parse(text);
    }

    /** {@code NAME=KEY} or {@code NAME=KEY=Title}. */
    static Room room(String text) {
        String[] parts = text.strip().split("=", 3);
        if (parts.length < 2) {
            throw new IllegalArgumentException("a room is NAME=KEY, was '" + text + "'");
        }
        String title = parts.length == 3 && !parts[2].isBlank() ? parts[2] : parts[0];
        return new Room(parts[0], title, parts[1]);
    }

    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return duration(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return size(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class RoomConverter implements ITypeConverter<Room> {
        @Override
        public Room convert(String value) {
            try {
                return room(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
