package dev.amphi.core.room;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * Keeps generated stream keys in a data directory, one file per room ({@code NAME.key}, readable
 * by the owner only), so a key survives restarts. Blocking file I/O: use at start-up, never on an
 * event loop.
 */
public final class StreamKeyStore {

    /** Random bytes per generated key; 18 bytes give 24 URL-safe Base64 characters. */
    private static final int KEY_BYTES = 18;

    private final Path dir;
    private final SecureRandom random;

    private StreamKeyStore(Path dir, SecureRandom random) {
        this.dir = dir;
        this.random = random;
    }

    /** A store in {@code dataDir} (created when missing). */
    public static StreamKeyStore in(Path dataDir) {
        return new StreamKeyStore(Objects.requireNonNull(dataDir, "dataDir"), new SecureRandom());
    }

    /** A fresh random key: 24 URL-safe characters ({@code A-Z a-z 0-9 - _}). */
    public String generate() {
        byte[] bytes = new byte[KEY_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * The key kept for {@code room}, generating and saving one the first time.
     *
     * @throws IOException when the directory or the file cannot be read or written, or the file
     *                     holds something that is not a valid key
     */
    public String keyFor(String room) throws IOException {
        Room.requireValidName(room);
        return kept(room + ".key", room).value();
    }

    /** A value kept in the data directory, and whether this call made it. */
    public record Kept(String value, boolean created) {
        /** Never prints the value. */
        @Override
        public String toString() {
            return "Kept[created=" + created + "]";
        }
    }

    /**
     * A server-wide secret kept in the file {@code name} of the data directory (not a room's
     * {@code .key} file), generated as a key is the first time: the caller shows a created one once.
     *
     * @throws IOException as {@link #keyFor}
     */
    public Kept secret(String name) throws IOException {
        if (!name.matches("[a-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("a secret's file name must match [a-z0-9-]{1,64}, was '" + name + "'");
        }
        return kept(name, name);
    }

    private Kept kept(String fileName, String room) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(fileName);
        if (Files.exists(file)) {
            return new Kept(read(file, room), false);
        }
        String key = generate();
        Path tmp = Files.createTempFile(dir, room, ".tmp");
        try {
            restrictToOwner(tmp);
            Files.writeString(tmp, key + "\n", StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file);
            }
        } catch (FileAlreadyExistsException e) {
            return new Kept(read(file, room), false); // another process got there first
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new Kept(read(file, room), true);
    }

    private static String read(Path file, String room) throws IOException {
        String key = Files.readString(file, StandardCharsets.US_ASCII).strip();
        try {
            Room.of(room, key);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " does not hold a valid stream key: " + e.getMessage(), e);
        }
        return key;
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's own permissions have to do
        }
    }
}
