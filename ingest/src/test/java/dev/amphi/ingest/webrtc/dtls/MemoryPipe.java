package dev.amphi.ingest.webrtc.dtls;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Two {@link DatagramLink}s joined in memory: what one end sends, the other receives. */
final class MemoryPipe {

    private final BlockingQueue<byte[]> toA = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> toB = new LinkedBlockingQueue<>();
    private final Predicate<byte[]> lostFromA;

    MemoryPipe() {
        this(d -> false);
    }

    /** A pipe that loses the datagrams end A sends that {@code lostFromA} picks. */
    MemoryPipe(Predicate<byte[]> lostFromA) {
        this.lostFromA = lostFromA;
    }

    DatagramLink a() {
        BlockingQueue<byte[]> lossy = new LinkedBlockingQueue<>() {
            @Override
            public boolean add(byte[] d) {
                return lostFromA.test(d) || toB.add(d);
            }
        };
        return new End(lossy, toA);
    }

    DatagramLink b() {
        return new End(toA, toB);
    }

    /** A link whose sends go nowhere and that never receives anything: a peer that never answers. */
    static DatagramLink silent() {
        return new End(new LinkedBlockingQueue<>(), new LinkedBlockingQueue<>());
    }

    private static final class End implements DatagramLink {
        private final BlockingQueue<byte[]> out;
        private final BlockingQueue<byte[]> in;

        End(BlockingQueue<byte[]> out, BlockingQueue<byte[]> in) {
            this.out = out;
            this.in = in;
        }

        @Override
        public void send(byte[] buffer, int offset, int length) {
            out.add(Arrays.copyOfRange(buffer, offset, offset + length));
        }

        @Override
        public int receive(byte[] buffer, int offset, int length, int timeoutMillis) throws IOException {
            try {
                byte[] d = in.poll(timeoutMillis, TimeUnit.MILLISECONDS);
                if (d == null) {
                    return -1;
                }
                int n = Math.min(length, d.length);
                System.arraycopy(d, 0, buffer, offset, n);
                return n;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            }
        }
    }
}
