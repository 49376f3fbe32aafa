package dev.amphi.ingest.webrtc.dtls;

import java.io.IOException;

/**
 * The datagram path a DTLS endpoint talks over: in the server, the ICE-selected UDP pair of one
 * peer (the caller hands it the DTLS records it demultiplexes from the shared socket, RFC 7983);
 * in tests, an in-memory pipe or a UDP socket.
 */
public interface DatagramLink {

    /** Sends one datagram. */
    void send(byte[] buffer, int offset, int length) throws IOException;

    /**
     * Waits up to {@code timeoutMillis} for one datagram and copies it into {@code buffer}.
     *
     * @return its length (truncated to {@code length}), or -1 when none came in time
     * @throws IOException when the link is closed or broken
     */
    int receive(byte[] buffer, int offset, int length, int timeoutMillis) throws IOException;

    /** The largest datagram worth sending (path MTU less IP/UDP headers); 1200 fits any path. */
    default int maxDatagramSize() {
        return 1200;
    }
}
