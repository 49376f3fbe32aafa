package dev.amphi.ingest.webrtc.whip;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A STUN or TURN server handed to clients: in the WHIP answer's {@code Link} header (RFC 9725
 * section 4.6) and to the speaker page as an {@code RTCIceServer}.
 *
 * <p>Configured as a list, {@link #parseList}: servers separated by commas, each a URL
 * ({@code stun:}, {@code turn:} or {@code turns:}, RFC 7064 / 7065) optionally followed by
 * {@code ;username=U;credential=C}, e.g.
 * {@code stun:stun.example.net:3478, turn:turn.example.net:3478?transport=udp;username=amphi;credential=s3cret}.
 *
 * @param url        the server's URL
 * @param username   the TURN user, if any
 * @param credential the TURN password, if any (given with a username)
 */
public record IceServer(String url, Optional<String> username, Optional<String> credential) {

    /** Longest URL, user name or credential accepted (they end up in an HTTP header). */
    static final int MAX_LENGTH = 512;

    public IceServer {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(credential, "credential");
        String scheme = url.indexOf(':') < 0 ? "" : url.substring(0, url.indexOf(':')).toLowerCase(Locale.ROOT);
        if (!List.of("stun", "stuns", "turn", "turns").contains(scheme) || url.length() <= scheme.length() + 1) {
            throw new IllegalArgumentException("ICE server '" + url + "' must be a stun:, stuns:, turn: or turns: URL with a host");
        }
        check("ICE server URL", url);
        username.ifPresent(u -> check("ICE server username", u));
        credential.ifPresent(c -> check("ICE server credential", c));
        if (username.isPresent() != credential.isPresent()) {
            throw new IllegalArgumentException("ICE server " + url + ": a username needs a credential and a credential a username");
        }
        if (scheme.startsWith("turn") && username.isEmpty()) {
            throw new IllegalArgumentException("TURN server " + url + " needs ;username=...;credential=...");
        }
    }

    /** A server without credentials (STUN). */
    public static IceServer of(String url) {
        return new IceServer(url, Optional.empty(), Optional.empty());
    }

    private static void check(String what, String value) {
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(what + " must be 1.." + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // visible ASCII only, and nothing that would end a Link header's URI or quoted string
            if (c <= ' ' || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == ',') {
                throw new IllegalArgumentException(what + " must be visible ASCII without spaces, quotes, '\\', '<', '>' or ','");
            }
        }
    }

    /**
     * Parses the configured list (see the class comment); blank gives an empty list.
     *
     * @throws IllegalArgumentException naming the entry that is wrong
     */
    public static List<IceServer> parseList(String list) {
        List<IceServer> out = new ArrayList<>();
        if (list == null || list.isBlank()) {
            return out;
        }
        for (String entry : list.split(",")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            String[] parts = e.split(";");
            String user = null;
            String credential = null;
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].strip();
                int eq = p.indexOf('=');
                String key = eq < 0 ? p : p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                String value = eq < 0 ? "" : p.substring(eq + 1).strip();
                switch (key) {
                    case "username" -> user = value;
                    case "credential" -> credential = value;
                    default -> throw new IllegalArgumentException("ICE server " + parts[0].strip()
                            + ": unknown parameter '" + key + "' (only username= and credential=)");
                }
            }
            out.add(new IceServer(parts[0].strip(), Optional.ofNullable(user), Optional.ofNullable(credential)));
        }
        return out;
    }

    /** The value of a {@code Link} header announcing this server (RFC 9725 section 4.6). */
    public String linkHeader() {
        StringBuilder b = new StringBuilder("<").append(url).append(">; rel=\"ice-server\"");
        username.ifPresent(u -> b.append("; username=\"").append(u).append('"'));
        credential.ifPresent(c -> b.append("; credential=\"").append(c).append("\"; credential-type=\"password\""));
        return b.toString();
    }

    /** Never prints the credential. */
    @Override
    public String toString() {
        return url + username.map(u -> " (user " + u + ")").orElse("");
    }
}
