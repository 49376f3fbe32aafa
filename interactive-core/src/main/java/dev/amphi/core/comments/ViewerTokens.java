package dev.amphi.core.comments;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Anonymous viewer tokens: a viewer needs no account, but each one gets a stable identity for flood
 * control and moderation (mute a token), checked without a database. A token is
 * {@code base64url(payload) "." base64url(HMAC-SHA256(key, payload))} where the payload is a
 * version byte, 12 random bytes (the viewer's id) and the issue time in seconds; it is valid until
 * {@code lifetime} after issue. Each viewer gets a generated nickname derived from its id
 * ("Curious Otter 42"), so the same token always shows the same name.
 *
 * <p>Thread-safe. The key (32 random bytes by default) is the server's; rotating it invalidates
 * every token, and viewers' pages simply ask for a new one.
 */
public final class ViewerTokens {

    /** A verified viewer. */
    public record Viewer(String id, String nickname, Instant issued) {
        public Viewer {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(nickname, "nickname");
            Objects.requireNonNull(issued, "issued");
        }
    }

    private static final byte VERSION = 1;
    private static final int ID_BYTES = 12;
    private static final int PAYLOAD = 1 + ID_BYTES + 8;
    private static final int MAC_BYTES = 32;
    /** Longer tokens are not even decoded. */
    private static final int MAX_TOKEN = 128;
    private static final List<String> ADJECTIVES = List.of("Curious", "Quiet", "Bright", "Patient", "Swift", "Gentle",
            "Clever", "Brave", "Calm", "Merry", "Keen", "Bold", "Witty", "Sunny", "Lucky", "Noble");
    private static final List<String> ANIMALS = List.of("Otter", "Heron", "Lynx", "Panda", "Falcon", "Badger", "Koala",
            "Dolphin", "Fox", "Owl", "Tiger", "Whale", "Robin", "Gecko", "Yak", "Marten");

    private final SecretKeySpec key;
    private final Duration lifetime;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    private ViewerTokens(byte[] key, Duration lifetime, Clock clock) {
        if (key.length < 32) {
            throw new IllegalArgumentException("a viewer-token key needs at least 32 bytes, got " + key.length);
        }
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("token lifetime must be positive, was " + lifetime);
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.lifetime = lifetime;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Tokens signed with {@code key} (at least 32 bytes), valid for {@code lifetime} after issue. */
    public static ViewerTokens withKey(byte[] key, Duration lifetime, Clock clock) {
        return new ViewerTokens(Objects.requireNonNull(key, "key"), Objects.requireNonNull(lifetime, "lifetime"), clock);
    }

    /** A fresh random 32-byte key. */
    public static byte[] newKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    /** A new viewer's token. */
    public String issue() {
        byte[] id = new byte[ID_BYTES];
        random.nextBytes(id);
        ByteBuffer payload = ByteBuffer.allocate(PAYLOAD).put(VERSION).put(id).putLong(clock.instant().getEpochSecond());
        byte[] p = payload.array();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(p) + "." + b64.encodeToString(mac(p));
    }

    /** The viewer a token names, when it is well formed, signed with this key and not expired. */
    public Optional<Viewer> verify(String token) {
        if (token == null || token.length() > MAX_TOKEN) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot < 0 || token.indexOf('.', dot + 1) >= 0) {
            return Optional.empty();
        }
        byte[] payload;
        byte[] signature;
        try {
            payload = Base64.getUrlDecoder().decode(token.substring(0, dot));
            signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (payload.length != PAYLOAD || signature.length != MAC_BYTES || payload[0] != VERSION
                || !MessageDigest.isEqual(mac(payload), signature)) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        b.get();
        byte[] id = new byte[ID_BYTES];
        b.get(id);
        Instant issued = Instant.ofEpochSecond(b.getLong());
        Instant now = clock.instant();
        if (issued.isAfter(now.plusSeconds(60)) || !now.isBefore(issued.plus(lifetime))) {
            return Optional.empty();
        }
        String hex = HexFormat.of().formatHex(id);
        return Optional.of(new Viewer(hex, nickname(id), issued));
    }

    private static String nickname(byte[] id) {
        return ADJECTIVES.get(id[0] & 0x0F) + " " + ANIMALS.get((id[1] & 0xFF) % ANIMALS.size()) + " " + ((id[2] & 0xFF) % 100);
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return m.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
