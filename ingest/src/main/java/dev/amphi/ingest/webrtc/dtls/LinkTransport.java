package dev.amphi.ingest.webrtc.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import org.bouncycastle.tls.DatagramTransport;

/**
 * Adapts a {@link DatagramLink} to BouncyCastle's {@link DatagramTransport} and holds the
 * handshake's deadline: once it has passed, receiving fails, whatever BouncyCastle's own
 * retransmission timers would do next.
 */
final class LinkTransport implements DatagramTransport {

    /** Thrown by {@link #receive} once the handshake's deadline has passed. */
    static final class DeadlinePassed extends InterruptedIOException {
        private static final long serialVersionUID = 1L;

        DeadlinePassed(String message) {
            super(message);
        }
    }

    private static final int RECEIVE_LIMIT = 2048;

    private final DatagramLink link;
    private final long deadlineNanos;
    private final long timeoutMillis;
    private volatile boolean handshakeDone;

    LinkTransport(DatagramLink link, long timeoutMillis) {
        this.link = link;
        this.timeoutMillis = timeoutMillis;
        this.deadlineNanos = System.nanoTime() + timeoutMillis * 1_000_000L;
    }

    void handshakeDone() {
        handshakeDone = true;
    }

    @Override
    public int getReceiveLimit() {
        return RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return link.maxDatagramSize();
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        int wait = waitMillis;
        if (!handshakeDone) {
            long left = (deadlineNanos - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw new DeadlinePassed("the DTLS handshake did not complete within " + timeoutMillis + " ms");
            }
            wait = (int) Math.min(waitMillis <= 0 ? Integer.MAX_VALUE : waitMillis, left);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted while waiting for a DTLS record");
        }
        return link.receive(buf, off, len, wait);
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        link.send(buf, off, len);
    }

    @Override
    public void close() {
        // the link belongs to the caller (the ICE layer), which closes it
    }
}
