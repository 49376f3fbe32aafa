package dev.amphi.core.room;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Viewer links of private rooms: {@code ?e=EXPIRES&s=SIGNATURE}, where EXPIRES is a Unix time in
 * seconds and SIGNATURE the base64url MD5 (no padding) of {@code EXPIRES + "/live/" + ROOM + "/ " + SECRET},
 * the room's secret. That is nginx's {@code secure_link} scheme ({@code secure_link $arg_s,$arg_e;
 * secure_link_md5 "$secure_link_expires/live/$amphi_room/ $amphi_room_secret";}), so a caching edge
 * checks the same links as the origin, from a map of the rooms' secrets ({@link #nginxMap}).
 *
 * <p>One link opens the room's page, playlists, segments and comment objects until it expires; a
 * new secret (rotation) voids every link given out. Checked in memory (no database lookup): the
 * secrets of the private rooms are kept here. MD5 is what nginx offers; with a 256-bit secret and
 * a short message it serves as a keyed check, and nothing else here relies on it. Thread-safe;
 * checks never lock.
 */
public final class ViewerLinks {

    /** The longest a link may be good for. */
    public static final Duration MAX_TTL = Duration.ofDays(366);

    private final Clock clock;
    private volatile Map<String, String> secrets = Map.of();
    private volatile Consumer<ViewerLinks> changed = l -> { };

    public ViewerLinks(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Called after each change of the private rooms or their secrets (the server writes the edge's map). */
    public void onChange(Consumer<ViewerLinks> listener) {
        changed = Objects.requireNonNull(listener, "listener");
    }

    /** The room is private, with {@code secret} (base64url, as {@link dev.amphi.core.store.RoomSecretStore} makes them). */
    public void protect(String room, String secret) {
        if (secret == null || !secret.matches("[A-Za-z0-9_-]{16,64}")) {
            throw new IllegalArgumentException("a room secret must be 16 to 64 base64url characters");
        }
        synchronized (this) {
            Map<String, String> m = new TreeMap<>(secrets);
            m.put(room, secret);
            secrets = Collections.unmodifiableMap(m);
        }
        changed.accept(this);
    }

    /** The room is not private (any more), or is gone. */
    public void unprotect(String room) {
        synchronized (this) {
            if (!secrets.containsKey(room)) {
                return;
            }
            Map<String, String> m = new TreeMap<>(secrets);
            m.remove(room);
            secrets = Collections.unmodifiableMap(m);
        }
        changed.accept(this);
    }

    /** Whether viewers of {@code room} need a link. */
    public boolean isPrivate(String room) {
        return secrets.containsKey(room);
    }

    /** Why a request may not see a private room. */
    public enum Refusal {
        /** No link, or one not signed with the room's current secret. */
        INVALID,
        /** A link that was good, and is past its time. */
        EXPIRED
    }

    /**
     * Checks a request's {@code e} and {@code s} for {@code room}: empty when it may see the room (a
     * room that is not private needs nothing), else why not.
     */
    public Optional<Refusal> check(String room, String expires, String signature) {
        String secret = secrets.get(room);
        if (secret == null) {
            return Optional.empty();
        }
        if (expires == null || signature == null || !expires.matches("[0-9]{1,12}") || signature.length() != 22) {
            return Optional.of(Refusal.INVALID);
        }
        byte[] want = sign(room, expires, secret).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(want, signature.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of(Refusal.INVALID);
        }
        return Long.parseLong(expires) > clock.instant().getEpochSecond() ? Optional.empty() : Optional.of(Refusal.EXPIRED);
    }

    /** A link's query for {@code room}, good for {@code ttl}: {@code e=...&s=...}. */
    public String issue(String room, Duration ttl) {
        String secret = secrets.get(room);
        if (secret == null) {
            throw new IllegalStateException("room " + room + " is not private: its viewers need no link");
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("a viewer link is good for 1 s to " + MAX_TTL.toDays() + " days");
        }
        String expires = Long.toString(clock.instant().plus(ttl).getEpochSecond());
        return "e=" + expires + "&s=" + sign(room, expires, secret);
    }

    /**
     * The private rooms' secrets as the lines of an nginx {@code map} ({@code room secret;}), for the
     * edge's {@code include}.
     */
    public String nginxMap() {
        StringBuilder sb = new StringBuilder("# Amphi's private rooms and their secrets, for the edge's map (see deploy/nginx).\n");
        secrets.forEach((room, secret) -> sb.append(room).append(' ').append(secret).append(";\n"));
        return sb.toString();
    }

    static String sign(String room, String expires, String secret) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5")
                    .digest((expires + "/live/" + room + "/ " + secret).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(md5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no MD5", e);
        }
    }
}
