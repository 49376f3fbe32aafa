package dev.amphi.ingest.webrtc.transport;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the WebRTC transport listens and what it allows.
 *
 * @param bindHost           the address to bind the UDP port to, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
 * @param port               the UDP port, 0 for any free one (tests)
 * @param candidateAddresses the IP literals to offer as host candidates, best first (the public
 *                           address of a server behind NAT first); empty: the bound address, or
 *                           the machine's non-loopback addresses when bound to a wildcard (0-8)
 * @param maxPeers           most peers open at once (1..10000); {@code open} refuses more
 * @param rembCapBps         the bitrate (bits/s) every REMB tells a peer not to exceed, 0 for no REMB
 * @param handshakeTimeout   ICE nomination and DTLS handshake must complete within this after
 *                           {@code open} (1 s .. 2 min), else the peer is closed
 * @param consentTimeout     a connected peer that sends no valid STUN check for this long is
 *                           closed (RFC 7675 consent, 30 s; 1 s .. 5 min)
 */
public record TransportOptions(String bindHost, int port, List<String> candidateAddresses, int maxPeers,
        long rembCapBps, Duration handshakeTimeout, Duration consentTimeout) {

    public TransportOptions {
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(consentTimeout, "consentTimeout");
        if (bindHost.isBlank()) {
            throw new IllegalArgumentException("bindHost must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        candidateAddresses = List.copyOf(candidateAddresses);
        if (candidateAddresses.size() > 8) {
            throw new IllegalArgumentException("at most 8 candidate addresses, got " + candidateAddresses.size());
        }
        for (String a : candidateAddresses) {
            if (a == null || !a.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
                throw new IllegalArgumentException("candidate address '" + a + "' is not an IPv4 or IPv6 literal");
            }
        }
        if (maxPeers < 1 || maxPeers > 10_000) {
            throw new IllegalArgumentException("maxPeers must be 1..10000, was " + maxPeers);
        }
        if (rembCapBps < 0 || rembCapBps > 1_000_000_000L) {
            throw new IllegalArgumentException("rembCapBps must be 0..1e9, was " + rembCapBps);
        }
        if (handshakeTimeout.compareTo(Duration.ofMillis(200)) < 0 || handshakeTimeout.compareTo(Duration.ofMinutes(2)) > 0) {
            throw new IllegalArgumentException("handshakeTimeout must be 200 ms .. 2 min, was " + handshakeTimeout);
        }
        if (consentTimeout.compareTo(Duration.ofSeconds(1)) < 0 || consentTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("consentTimeout must be 1 s .. 5 min, was " + consentTimeout);
        }
    }

    /** Port {@code port} on every interface, 300 peers, REMB 2.5 Mbit/s, 10 s handshake, 30 s consent. */
    public static TransportOptions defaults(int port) {
        return new TransportOptions("0.0.0.0", port, List.of(), 300, 2_500_000, Duration.ofSeconds(10),
                Duration.ofSeconds(30));
    }

    /** Loopback, any free port: for tests. */
    public static TransportOptions loopback() {
        return new TransportOptions("127.0.0.1", 0, List.of(), 300, 2_500_000, Duration.ofSeconds(10),
                Duration.ofSeconds(30));
    }

    public TransportOptions withHandshakeTimeout(Duration timeout) {
        return new TransportOptions(bindHost, port, candidateAddresses, maxPeers, rembCapBps, timeout, consentTimeout);
    }

    public TransportOptions withConsentTimeout(Duration timeout) {
        return new TransportOptions(bindHost, port, candidateAddresses, maxPeers, rembCapBps, handshakeTimeout, timeout);
    }
}
