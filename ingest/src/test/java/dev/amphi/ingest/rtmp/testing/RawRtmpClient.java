package dev.amphi.ingest.rtmp.testing;

import dev.amphi.ingest.rtmp.amf.Amf0;
import dev.amphi.ingest.rtmp.chunk.Chunk;
import dev.amphi.ingest.rtmp.chunk.ChunkDecoder;
import dev.amphi.ingest.rtmp.chunk.ChunkEncoder;
import dev.amphi.ingest.rtmp.chunk.MessageAssembler;
import dev.amphi.ingest.rtmp.message.MessageType;
import dev.amphi.ingest.rtmp.message.ProtocolControl;
import dev.amphi.ingest.rtmp.message.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A minimal scripted RTMP client over a plain socket, for driving the server with exact (also
 * malformed) byte sequences. Framing uses the production chunk codec, which has its own
 * byte-level tests.
 */
public final class RawRtmpClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ChunkEncoder encoder = new ChunkEncoder();
    private final ChunkDecoder decoder = new ChunkDecoder(0xFFFFFF, 0x7FFFFFFF);
    private final MessageAssembler assembler = new MessageAssembler(UnpooledByteBufAllocator.DEFAULT, 0xFFFFFF);
    private final ByteBuf inbound = Unpooled.buffer();
    private final List<String> statusCodes = new ArrayList<>();

    private RawRtmpClient(int port, String from) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        if (from != null) {
            socket.bind(new InetSocketAddress(from, 0));
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(100);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public static RawRtmpClient open(int port) throws IOException {
        return new RawRtmpClient(port, null);
    }

    /** A connection from local address {@code from} (any of 127.0.0.0/8 on Linux), to tell addresses apart. */
    public static RawRtmpClient openFrom(int port, String from) throws IOException {
        return new RawRtmpClient(port, from);
    }

    /**
     * A well-behaved publisher's whole session: handshake, connect to {@code live}, publish
     * {@code key}, send an AVC sequence header and one keyframe, wait until {@code sink} has
     * received something more, close.
     */
    public static void publishOneKeyframe(int port, String key, CapturingSink sink, Duration wait)
            throws IOException, InterruptedException {
        publishOneKeyframe(open(port), key, sink, wait);
    }

    /** {@link #publishOneKeyframe(int, String, CapturingSink, Duration)} over {@code connection} (closed at the end). */
    public static void publishOneKeyframe(RawRtmpClient connection, String key, CapturingSink sink, Duration wait)
            throws IOException, InterruptedException {
        int before = sink.events().size();
        try (RawRtmpClient c = connection.handshake()) {
            expect("connect", c.connect("live"), "NetConnection.Connect.Success");
            int id = c.createStream();
            expect("publish", c.publish(id, key)[0], "NetStream.Publish.Start");
            c.send(6, MessageType.VIDEO, id, 1000, FlvBodies.avcSequenceHeader());
            c.send(6, MessageType.VIDEO, id, 1000, FlvBodies.avcFrame(true, 0, FlvBodies.avcc(0x65, 300)));
            sink.await(ev -> ev.size() > before, wait, "the publisher's packet");
        }
    }

    private static void expect(String what, String got, String wanted) {
        if (!wanted.equals(got)) {
            throw new AssertionError(what + " answered " + got + ", expected " + wanted);
        }
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Plain (librtmp-style) handshake. */
    public RawRtmpClient handshake() throws IOException {
        byte[] c0c1 = new byte[1537];
        new Random(1).nextBytes(c0c1);
        c0c1[0] = 3;
        for (int i = 1; i < 9; i++) {
            c0c1[i] = 0;
        }
        sendRaw(c0c1);
        byte[] s = readFully(1 + 2 * 1536, Duration.ofSeconds(10));
        byte[] c2 = new byte[1536];
        System.arraycopy(s, 1, c2, 0, 1536);
        sendRaw(c2);
        return this;
    }

    public void send(int csid, int typeId, int streamId, long timestamp, byte[] payload) throws IOException {
        sendRaw(encode(csid, typeId, streamId, timestamp, payload));
    }

    /** The bytes {@link #send} would write (the encoder's header state moves on as if they were sent). */
    public byte[] encode(int csid, int typeId, int streamId, long timestamp, byte[] payload) {
        RtmpMessage m = new RtmpMessage(csid, typeId, timestamp, streamId, Unpooled.wrappedBuffer(payload));
        try {
            ByteBuf b = Unpooled.buffer();
            encoder.encode(m, b);
            if (typeId == MessageType.SET_CHUNK_SIZE) {
                encoder.setChunkSize((int) ProtocolControl.readU32(m));
            }
            return ByteBufUtil.getBytes(b);
        } finally {
            m.release();
        }
    }

    /**
     * Writes {@code bytes} one byte per {@code every}, reading (and discarding) what the server sends
     * in between, until the server closes the connection (true) or all were written (false).
     */
    public boolean trickle(byte[] bytes, Duration every) throws IOException {
        for (byte b : bytes) {
            try {
                sendRaw(new byte[] {b});
            } catch (IOException e) {
                return true; // reset: closed by the server
            }
            if (awaitClosed(every)) {
                return true;
            }
        }
        return false;
    }

    public void command(int streamId, Object... values) throws IOException {
        send(3, MessageType.COMMAND_AMF0, streamId, 0, amf(values));
    }

    public static byte[] amf(Object... values) {
        ByteBuf b = Unpooled.buffer();
        Amf0.encodeAll(b, values);
        return ByteBufUtil.getBytes(b);
    }

    /** connect + wait for _result; returns the information object's code. */
    public String connect(String app) throws IOException {
        command(0, "connect", 1.0, Amf0.object("app", app, "tcUrl", "rtmp://127.0.0.1/" + app, "type", "nonprivate"));
        return awaitCommand("_result", Duration.ofSeconds(10)).get(3) instanceof Map<?, ?> m ? (String) m.get("code") : null;
    }

    public int createStream() throws IOException {
        command(0, "createStream", 2.0, null);
        return ((Number) awaitCommand("_result", Duration.ofSeconds(10)).get(3)).intValue();
    }

    /** publish and wait for onStatus; returns {code, description}. */
    public String[] publish(int streamId, String key) throws IOException {
        command(streamId, "publish", 0.0, null, key, "live");
        return awaitStatus(Duration.ofSeconds(10));
    }

    public String[] awaitStatus(Duration timeout) throws IOException {
        List<Object> v = awaitCommand("onStatus", timeout);
        Map<?, ?> info = (Map<?, ?>) v.get(3);
        statusCodes.add((String) info.get("code"));
        return new String[] {(String) info.get("code"), (String) info.get("description")};
    }

    /** Reads messages until a command named {@code name}; fails on timeout or close. */
    public List<Object> awaitCommand(String name, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            RtmpMessage m = read(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (m == null) {
                throw new IOException("no " + name + " before " + (socketClosed ? "the connection closed" : "timeout"));
            }
            try {
                if (m.typeId() == MessageType.COMMAND_AMF0) {
                    List<Object> v = Amf0.decodeAll(m.payload());
                    if (name.equals(v.get(0))) {
                        return v;
                    }
                }
            } finally {
                m.release();
            }
        }
    }

    private boolean socketClosed;

    /** The next message from the server, or null on close or timeout. */
    public RtmpMessage read(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Chunk c;
            while ((c = decoder.decode(inbound)) != null) {
                RtmpMessage m = assembler.accept(c);
                if (m != null) {
                    if (m.typeId() == MessageType.SET_CHUNK_SIZE) {
                        decoder.setChunkSize(ProtocolControl.readU32(m));
                    }
                    inbound.discardReadBytes();
                    return m;
                }
            }
            if (socketClosed || System.nanoTime() > deadline) {
                return null;
            }
            byte[] buf = new byte[8192];
            try {
                int n = in.read(buf);
                if (n < 0) {
                    socketClosed = true;
                } else {
                    inbound.writeBytes(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                // poll again
            } catch (IOException e) {
                socketClosed = true;
            }
        }
    }

    /** Reads (and discards) until the server closes the connection; false on timeout. */
    public boolean awaitClosed(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buf = new byte[8192];
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(buf) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                // poll again
            } catch (IOException e) {
                return true; // reset by the server
            }
        }
        return false;
    }

    private byte[] readFully(int n, Duration timeout) throws IOException {
        byte[] b = new byte[n];
        int off = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (off < n) {
            if (System.nanoTime() > deadline) {
                throw new IOException("timed out reading " + n + " bytes, got " + off);
            }
            try {
                int r = in.read(b, off, n - off);
                if (r < 0) {
                    throw new IOException("connection closed after " + off + " of " + n + " bytes");
                }
                off += r;
            } catch (SocketTimeoutException e) {
                // poll again
            }
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        assembler.close();
        inbound.release();
        socket.close();
    }
}
