package dev.amphi.ingest;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A publisher's request to publish.
 *
 * @param app       the application part of the URL ({@code live} in {@code rtmp://host/live/KEY})
 * @param streamKey the stream key (the publish name, query string removed)
 * @param remote    the publisher's address, for logs
 * @param secure    whether the connection is encrypted (RTMPS)
 */
public record PublishRequest(String app, String streamKey, InetSocketAddress remote, boolean secure) {
    public PublishRequest {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(streamKey, "streamKey");
    }
}
