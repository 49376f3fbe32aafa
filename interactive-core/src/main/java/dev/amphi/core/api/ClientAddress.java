package dev.amphi.core.api;

import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The address a request comes from, for per-address limits. Behind a caching edge every request
 * reaches the origin from the edge's address, so requests from a trusted proxy are attributed to the
 * address that proxy put in {@code X-Forwarded-For} (the rightmost entry that is not itself a
 * trusted proxy); from anyone else the header is ignored, so a viewer cannot pick their own bucket.
 * An entry that is not an IP literal ends the walk at the last trusted hop.
 */
public final class ClientAddress {

    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private final Set<String> proxies;

    private ClientAddress(Set<String> proxies) {
        this.proxies = proxies;
    }

    /** Takes every request's TCP peer as its address. */
    public static ClientAddress direct() {
        return new ClientAddress(Set.of());
    }

    /** Trusts {@code X-Forwarded-For} from these proxy addresses (IP literals, as the peer's address reads). */
    public static ClientAddress behind(List<String> trustedProxies) {
        for (String p : trustedProxies) {
            if (!LITERAL.matcher(p).matches()) {
                throw new IllegalArgumentException("a trusted proxy is an IP address, e.g. 10.0.0.5 or ::1, was '" + p + "'");
            }
        }
        return new ClientAddress(Set.copyOf(trustedProxies));
    }

    /** The address {@code request} counts against. */
    public String of(HttpServerRequest request) {
        String peer = request.remoteAddress().hostAddress();
        if (proxies.isEmpty() || !proxies.contains(peer)) {
            return peer;
        }
        List<String> forwarded = request.headers().getAll("X-Forwarded-For");
        String address = peer;
        for (int h = forwarded.size() - 1; h >= 0; h--) {
            String[] hops = forwarded.get(h).split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                String hop = hops[i].strip();
                if (!LITERAL.matcher(hop).matches()) {
                    return address;
                }
                address = hop;
                if (!proxies.contains(hop)) {
                    return hop;
                }
            }
        }
        return address;
    }
}
