package dev.amphi.ingest.webrtc.sdp;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What the server puts in an answer for one peer.
 *
 * @param ice               this peer's ICE credentials ({@link IceCredentials#random})
 * @param fingerprintSha256 the SHA-256 fingerprint of the server's DTLS certificate, 32 hex byte
 *                          pairs separated by ':' (either case; written in upper case)
 * @param udpPort           the one UDP port all peers share (1-65535)
 * @param hostAddresses     the IP literals (v4 or v6) to offer as host candidates, best first: the
 *                          public address of a server behind NAT first, then the bound ones (1-8);
 *                          the first is also the answer's {@code c=} address
 * @param sessionId         the {@code o=} session id (0 .. 2^62; random per peer in production)
 * @param cname             the RTCP CNAME of what the server sends back (1-64 visible characters)
 * @param streamId          the msid stream id of what the server sends back (1-64 of A-Z a-z 0-9 - _)
 * @param audioSsrc         the SSRC of the audio the server sends back (1 .. 2^32-1)
 * @param videoSsrc         the SSRC of the video the server sends back (1 .. 2^32-1)
 * @param videoRtxSsrc      the SSRC of its retransmissions when RTX is negotiated, 0 for none
 */
public record ServerParameters(IceCredentials ice, String fingerprintSha256, int udpPort, List<String> hostAddresses,
        long sessionId, String cname, String streamId, long audioSsrc, long videoSsrc, long videoRtxSsrc) {

    public ServerParameters {
        Objects.requireNonNull(ice, "ice");
        Objects.requireNonNull(fingerprintSha256, "fingerprintSha256");
        Objects.requireNonNull(cname, "cname");
        Objects.requireNonNull(streamId, "streamId");
        if (!fingerprintSha256.matches("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){31}")) {
            throw new IllegalArgumentException("fingerprintSha256 must be 32 hex byte pairs separated by ':'");
        }
        fingerprintSha256 = fingerprintSha256.toUpperCase(Locale.ROOT);
        if (udpPort < 1 || udpPort > 65535) {
            throw new IllegalArgumentException("udpPort must be 1..65535, was " + udpPort);
        }
        hostAddresses = List.copyOf(hostAddresses);
        if (hostAddresses.isEmpty() || hostAddresses.size() > 8) {
            throw new IllegalArgumentException("hostAddresses must hold 1..8 addresses, has " + hostAddresses.size());
        }
        for (String a : hostAddresses) {
            if (!isIpLiteral(a)) {
                throw new IllegalArgumentException("host address '" + a + "' is not an IPv4 or IPv6 literal");
            }
        }
        if (new HashSet<>(hostAddresses).size() != hostAddresses.size()) {
            throw new IllegalArgumentException("hostAddresses lists an address twice: " + hostAddresses);
        }
        if (sessionId < 0 || sessionId > (1L << 62)) {
            throw new IllegalArgumentException("sessionId must be 0..2^62, was " + sessionId);
        }
        if (!cname.matches("[!-~]{1,64}")) {
            throw new IllegalArgumentException("cname must be 1-64 visible ASCII characters");
        }
        if (!streamId.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("streamId must be 1-64 characters of A-Z a-z 0-9 - _");
        }
        ssrc("audioSsrc", audioSsrc);
        ssrc("videoSsrc", videoSsrc);
        if (videoRtxSsrc != 0) {
            ssrc("videoRtxSsrc", videoRtxSsrc);
        }
        Set<Long> distinct = new HashSet<>(List.of(audioSsrc, videoSsrc, videoRtxSsrc));
        if (distinct.size() != 3) {
            throw new IllegalArgumentException("audioSsrc, videoSsrc and videoRtxSsrc must differ");
        }
    }

    private static void ssrc(String name, long value) {
        if (value < 1 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(name + " must be 1..2^32-1, was " + value);
        }
    }

    static boolean isIpLiteral(String a) {
        if (a.matches("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})")) {
            for (String part : a.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return false;
                }
            }
            return true;
        }
        if (a.indexOf(':') < 0 || a.length() > 45 || !a.matches("[0-9A-Fa-f:.]+")) {
            return false;
        }
        try {
            // with a ':' and nothing but hex digits, colons and dots this parses a literal, never asks DNS
            return InetAddress.getByName(a) instanceof Inet6Address;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
