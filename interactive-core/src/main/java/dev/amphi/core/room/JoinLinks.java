package dev.amphi.core.room;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring join tokens for someone's join link ({@code /join/ROOM?t=TOKEN}): {@code ID.EXPIRES.VERSION.MAC},
 * the MAC an HMAC-SHA256 (base64url) over the rest with the server's key. A token is good until it
 * expires, while its person is not revoked and still has that link version (regenerating their
 * credentials voids older links). Checked without the database. Thread-safe.
 */
public final class JoinLinks {

    private final SecretKeySpec key;
    private final Clock clock;

    public JoinLinks(byte[] key, Clock clock) {
        if (key.length < 16) {
            throw new IllegalArgumentException("a join link key needs at least 16 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A token for {@code p}'s current link, good for {@code ttl}. */
    public String issue(Person p, Duration ttl) {
        String payload = p.id() + "." + clock.instant().plus(ttl).getEpochSecond() + "." + p.linkVersion();
        return payload + "." + mac(payload);
    }

    /** When a token expires (as it says; not checked). */
    public static Optional<Instant> expires(String token) {
        String[] f = token == null ? new String[0] : token.split("\\.");
        try {
            return f.length == 4 ? Optional.of(Instant.ofEpochSecond(Long.parseLong(f[1]))) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The person a token is good for now, or empty (bad signature, expired, revoked, an older link). */
    public Optional<Person> verify(String token, People people) {
        if (token == null || token.length() > 200) {
            return Optional.empty();
        }
        int last = token.lastIndexOf('.');
        if (last <= 0) {
            return Optional.empty();
        }
        String payload = token.substring(0, last);
        if (!MessageDigest.isEqual(mac(payload).getBytes(StandardCharsets.US_ASCII),
                token.substring(last + 1).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        String[] f = payload.split("\\.");
        if (f.length != 3) {
            return Optional.empty();
        }
        try {
            if (Long.parseLong(f[1]) < clock.instant().getEpochSecond()) {
                return Optional.empty();
            }
            int version = Integer.parseInt(f[2]);
            return people.byId(f[0]).filter(p -> !p.revoked() && p.linkVersion() == version);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private String mac(String payload) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(m.doFinal(payload.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
