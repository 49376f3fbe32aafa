package dev.amphi.ingest.webrtc.transport;

import dev.amphi.ingest.webrtc.dtls.DatagramLink;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The DTLS path of one peer over the shared port: the event loop {@link #offer}s the DTLS records
 * the demultiplexer routed to this peer, the DTLS worker {@link #receive}s them (blocking, on the
 * worker only); sending writes to the shared channel towards the peer's nominated address.
 * At most 64 records wait; more are dropped (DTLS retransmits).
 */
final class QueueLink implements DatagramLink {

    private static final byte[] CLOSED = new byte[0];

    private final Channel channel;
    private final BlockingQueue<byte[]> in = new ArrayBlockingQueue<>(64);
    private volatile InetSocketAddress remote;
    private volatile boolean closed;

    QueueLink(Channel channel) {
        this.channel = channel;
    }

    void remote(InetSocketAddress address) {
        this.remote = address;
    }

    /** Called on the event loop; never blocks. */
    boolean offer(byte[] record) {
        return !closed && in.offer(record);
    }

    void close() {
        closed = true;
        in.clear();
        in.offer(CLOSED);
    }

    @Override
    public void send(byte[] buffer, int offset, int length) throws IOException {
        InetSocketAddress to = remote;
        if (closed || to == null) {
            throw new IOException("the peer's DTLS link is closed");
        }
        byte[] copy = new byte[length];
        System.arraycopy(buffer, offset, copy, 0, length);
        channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(copy), to));
    }

    @Override
    public int receive(byte[] buffer, int offset, int length, int timeoutMillis) throws IOException {
        if (closed) {
            throw new IOException("the peer's DTLS link is closed");
        }
        byte[] record;
        try {
            record = in.poll(Math.max(1, timeoutMillis), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for a DTLS record");
        }
        if (record == null) {
            return -1;
        }
        if (record == CLOSED || closed) {
            in.offer(CLOSED);
            throw new IOException("the peer's DTLS link is closed");
        }
        int n = Math.min(length, record.length);
        System.arraycopy(record, 0, buffer, offset, n);
        return n;
    }

    @Override
    public int maxDatagramSize() {
        return 1200;
    }
}
