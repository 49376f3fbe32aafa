package dev.amphi.transcode.encode;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One video rendition of the ladder: its name (the HLS rendition directory), size and video bitrate.
 *
 * @param name         rendition name, {@code [a-z0-9]+} (e.g. {@code 720p})
 * @param width        even, 16..7680
 * @param height       even, 16..7680
 * @param videoBitrate target video bitrate in bit/s, positive
 */
public record Rung(String name, int width, int height, int videoBitrate) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]+");
    private static final Pattern SPEC = Pattern.compile("([a-z0-9]+):(\\d+)x(\\d+):(\\d+)([km]?)");

    public Rung {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("rung name must match [a-z0-9]+, got " + quote(name));
        }
        checkDimension("width", width, name);
        checkDimension("height", height, name);
        if (videoBitrate <= 0) {
            throw new IllegalArgumentException("rung " + name + ": video bitrate must be positive, got " + videoBitrate);
        }
    }

    /** The default ladder: 1080p 6 Mbit/s, 720p 3 Mbit/s, 480p (852x480) 1.2 Mbit/s, 360p 0.7 Mbit/s. */
    public static List<Rung> defaults() {
        return List.of(
                new Rung("1080p", 1920, 1080, 6_000_000),
                new Rung("720p", 1280, 720, 3_000_000),
                new Rung("480p", 852, 480, 1_200_000),
                new Rung("360p", 640, 360, 700_000));
    }

    /**
     * Parses {@code name:WIDTHxHEIGHT:BITRATE}, the bitrate in bit/s with an optional {@code k}
     * (×1000) or {@code m} (×1000000) suffix, e.g. {@code 720p:1280x720:3000k}.
     */
    public static Rung parse(String spec) {
        Matcher m = spec == null ? null : SPEC.matcher(spec.trim().toLowerCase(Locale.ROOT));
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("rung must look like name:WIDTHxHEIGHT:BITRATE (e.g. 720p:1280x720:3000k), got "
                    + quote(spec));
        }
        long multiplier = switch (m.group(5)) {
            case "k" -> 1_000L;
            case "m" -> 1_000_000L;
            default -> 1L;
        };
        long bitrate;
        int w;
        int h;
        try {
            bitrate = Math.multiplyExact(Long.parseLong(m.group(4)), multiplier);
            w = Integer.parseInt(m.group(2));
            h = Integer.parseInt(m.group(3));
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("rung " + quote(spec) + " has a number out of range", e);
        }
        if (bitrate > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("rung " + quote(spec) + ": bitrate " + bitrate + " bit/s is too large");
        }
        return new Rung(m.group(1), w, h, (int) bitrate);
    }

    @Override
    public String toString() {
        return name + ":" + width + "x" + height + ":" + (videoBitrate % 1000 == 0 ? videoBitrate / 1000 + "k" : videoBitrate);
    }

    private static void checkDimension(String what, int value, String name) {
        if (value < 16 || value > 7680 || (value & 1) != 0) {
            throw new IllegalArgumentException("rung " + name + ": " + what + " must be even and within 16..7680, got " + value);
        }
    }

    private static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
