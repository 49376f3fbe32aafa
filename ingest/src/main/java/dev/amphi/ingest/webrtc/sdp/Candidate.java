package dev.amphi.ingest.webrtc.sdp;

import java.util.Objects;

/**
 * {@code a=candidate:} (RFC 8839 §5.1) as offered. An ICE-lite server does not connect to the
 * offerer's candidates, so these are informational (logs, diagnostics).
 *
 * @param address an IP address or, from browsers hiding their addresses, an mDNS name
 * @param type    {@code host}, {@code srflx}, {@code prflx} or {@code relay}
 */
public record Candidate(String foundation, int component, String transport, long priority, String address,
        int port, String type) {
    public Candidate {
        Objects.requireNonNull(foundation, "foundation");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(type, "type");
        if (component < 1 || component > 256) {
            throw new IllegalArgumentException("component must be 1..256, was " + component);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
    }
}
