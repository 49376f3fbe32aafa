package dev.amphi.ingest.webrtc.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one thread that reads the UDP sockets of many {@link TestWebRtcClient}s (an NIO selector) and
 * sends their keep-alive checks, so a load bench with hundreds of clients runs on one reader
 * thread instead of one per client. For tests and benchmarks only; the server never uses it.
 */
public final class TestClientLoop implements AutoCloseable {

    private static final long TICK_NANOS = 50_000_000L;

    private final Selector selector;
    private final Thread thread;
    private final Queue<TestWebRtcClient> toRegister = new ConcurrentLinkedQueue<>();
    private final List<TestWebRtcClient> clients = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    public TestClientLoop(String threadName) {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    void register(TestWebRtcClient client) {
        toRegister.add(client);
        selector.wakeup();
    }

    void unregister(TestWebRtcClient client) {
        clients.remove(client);
    }

    /** Clients this loop reads for. */
    public int clients() {
        return clients.size();
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        long nextTick = System.nanoTime();
        try {
            while (running) {
                selector.select(Math.max(1, (nextTick - System.nanoTime()) / 1_000_000L));
                TestWebRtcClient c;
                while ((c = toRegister.poll()) != null) {
                    try {
                        c.channel().register(selector, SelectionKey.OP_READ, c);
                        clients.add(c);
                    } catch (IOException e) {
                        // closed before it was registered
                    }
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    drain(key, buffer);
                }
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    nextTick = now + TICK_NANOS;
                    for (TestWebRtcClient client : clients) {
                        client.tick(now);
                    }
                }
            }
        } catch (ClosedSelectorException e) {
            // closed
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void drain(SelectionKey key, ByteBuffer buffer) {
        TestWebRtcClient client = (TestWebRtcClient) key.attachment();
        DatagramChannel channel = (DatagramChannel) key.channel();
        try {
            for (int i = 0; i < 64 && key.isValid(); i++) {
                buffer.clear();
                if (channel.receive(buffer) == null) {
                    return;
                }
                buffer.flip();
                client.received(Arrays.copyOf(buffer.array(), buffer.limit()));
            }
        } catch (IOException | RuntimeException e) {
            key.cancel();
        }
    }

    /** Stops the thread; the clients' sockets are theirs to close. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            selector.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
