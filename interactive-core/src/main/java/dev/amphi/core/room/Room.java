package dev.amphi.core.room;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A room as configured: its URL name, a human title and the secret key publishers use.
 *
 * @param name      lower-case URL name, {@code [a-z0-9-]{1,64}} (it appears in {@code /watch/NAME})
 * @param title     shown to viewers; never blank
 * @param streamKey the publisher's secret: printable ASCII without spaces, slashes, commas or
 *                  question marks, 1 to 256 characters
 */
public record Room(String name, String title, String streamKey) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,64}");
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e&&[^/?,#]]{1,256}");

    public Room {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(streamKey, "streamKey");
        requireValidName(name);
        if (title.isBlank()) {
            throw new IllegalArgumentException("room " + name + ": title must not be blank");
        }
        if (!KEY.matcher(streamKey).matches()) {
            throw new IllegalArgumentException("room " + name + ": stream key must be 1 to 256 printable "
                    + "ASCII characters without spaces, '/', '?', '#' or ','");
        }
    }

    /** A room whose title is its name. */
    public static Room of(String name, String streamKey) {
        return new Room(name, name, streamKey);
    }

    /** Whether {@code name} is a valid room name. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    static void requireValidName(String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("room name must match [a-z0-9-]{1,64}, was '" + name + "'");
        }
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "Room[" + name + "]";
    }
}
