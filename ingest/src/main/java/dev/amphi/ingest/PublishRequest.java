package dev.amphi.ingest;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A publisher's request to publish.
 *
 * @param app       the application part of the URL ({@code live} in {@code rtmp://host/live/KEY})
 * @param streamKey the stream key (the publish name, query string removed)
 * @param remote    the publisher's address, for logs and throttling
 * @param secure    whether the connection is encrypted (RTMPS)
 * @param query     the publish name's query string without the {@code ?} ({@code name=Ada} in
 *                  {@code KEY?name=Ada}), empty when there is none; not decoded
 */
public record PublishRequest(String app, String streamKey, InetSocketAddress remote, boolean secure, String query) {
    public PublishRequest {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(streamKey, "streamKey");
        Objects.requireNonNull(query, "query");
    }

    /** A request without a query string. */
    public PublishRequest(String app, String streamKey, InetSocketAddress remote, boolean secure) {
        this(app, streamKey, remote, secure, "");
    }

    /**
     * The value of query parameter {@code name} ({@code application/x-www-form-urlencoded}
     * decoding), if present. Malformed escapes make the parameter absent.
     */
    public java.util.Optional<String> parameter(String name) {
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            if (k.equals(name)) {
                try {
                    return java.util.Optional.of(java.net.URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1),
                            java.nio.charset.StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    return java.util.Optional.empty();
                }
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Never prints the stream key, the query string or what follows the application's first
     * segment (any of them may carry a secret).
     */
    @Override
    public String toString() {
        int slash = app.indexOf('/'); // an encoder with the key in its server URL sends it as part of the application
        String a = (slash < 0 ? app : app.substring(0, slash) + "/...");
        a = (a.length() <= 64 ? a : a.substring(0, 64) + "...").replaceAll("\\p{Cntrl}", "?");
        return "PublishRequest[app=" + a + ", remote=" + remote
                + (secure ? ", TLS" : "") + "]";
    }
}
