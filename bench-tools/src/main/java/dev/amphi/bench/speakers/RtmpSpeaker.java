package dev.amphi.bench.speakers;

import dev.amphi.ingest.rtmp.amf.Amf0;
import dev.amphi.ingest.rtmp.chunk.Chunk;
import dev.amphi.ingest.rtmp.chunk.ChunkDecoder;
import dev.amphi.ingest.rtmp.chunk.ChunkEncoder;
import dev.amphi.ingest.rtmp.chunk.MessageAssembler;
import dev.amphi.ingest.rtmp.message.MessageType;
import dev.amphi.ingest.rtmp.message.ProtocolControl;
import dev.amphi.ingest.rtmp.message.RtmpMessage;
import dev.amphi.media.AacConfig;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * An RTMP speaker as OBS publishes: plain handshake, connect, createStream, publish
 * {@code KEY?name=NAME}, the AVC and AAC sequence headers, then FLV video and audio messages, framed
 * by the server's own chunk encoder, over one blocking socket. What the server sends after the
 * publish is not read (acknowledgements only; they stay in the socket's buffer).
 */
final class RtmpSpeaker implements LoadSpeaker {

    private static final int CHUNK_SIZE = 4096;
    private static final int VIDEO_CSID = 6;
    private static final int AUDIO_CSID = 4;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ChunkEncoder encoder = new ChunkEncoder();
    private final ChunkDecoder decoder = new ChunkDecoder(1 << 20, 1 << 20);
    private final MessageAssembler assembler = new MessageAssembler(UnpooledByteBufAllocator.DEFAULT, 1 << 20);
    private final ByteBuf inbound = Unpooled.buffer();
    private int streamId;

    private RtmpSpeaker(int port) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    static RtmpSpeaker join(int port, String key, String name, AvcConfig avc, AacConfig aac) throws IOException {
        RtmpSpeaker s = new RtmpSpeaker(port);
        try {
            s.handshake();
            s.send(2, MessageType.SET_CHUNK_SIZE, 0, 0, new byte[] {0, 0, (byte) (CHUNK_SIZE >> 8), (byte) CHUNK_SIZE});
            s.encoder.setChunkSize(CHUNK_SIZE);
            s.command(0, "connect", 1.0, Amf0.object("app", "live", "tcUrl", "rtmp://127.0.0.1/live", "type", "nonprivate"));
            s.await("_result");
            s.command(0, "createStream", 2.0, null);
            s.streamId = ((Number) s.await("_result").get(3)).intValue();
            s.command(s.streamId, "publish", 0.0, null, key + "?name=" + name, "live");
            List<Object> status = s.await("onStatus");
            Object code = status.get(3) instanceof Map<?, ?> m ? m.get("code") : null;
            if (!"NetStream.Publish.Start".equals(code)) {
                throw new IOException("publish " + name + ": " + code);
            }
            byte[] rec = avc.record();
            byte[] v = new byte[5 + rec.length];
            v[0] = 0x17;
            System.arraycopy(rec, 0, v, 5, rec.length);
            s.send(VIDEO_CSID, MessageType.VIDEO, s.streamId, 0, v);
            byte[] asc = aac.record();
            byte[] a = new byte[2 + asc.length];
            a[0] = (byte) 0xAF;
            System.arraycopy(asc, 0, a, 2, asc.length);
            s.send(AUDIO_CSID, MessageType.AUDIO, s.streamId, 0, a);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public void sendVideo(MediaPacket p) throws IOException {
        byte[] d = p.data();
        byte[] body = new byte[5 + d.length];
        int cts = p.compositionOffset() / 90;
        body[0] = (byte) (p.keyframe() ? 0x17 : 0x27);
        body[1] = 1;
        body[2] = (byte) (cts >> 16);
        body[3] = (byte) (cts >> 8);
        body[4] = (byte) cts;
        System.arraycopy(d, 0, body, 5, d.length);
        send(VIDEO_CSID, MessageType.VIDEO, streamId, p.dts() / 90, body);
    }

    @Override
    public void sendAudio(MediaPacket p, boolean talking) throws IOException {
        byte[] d = p.data();
        byte[] body = new byte[2 + d.length];
        body[0] = (byte) 0xAF;
        body[1] = 1;
        System.arraycopy(d, 0, body, 2, d.length);
        send(AUDIO_CSID, MessageType.AUDIO, streamId, p.dts() / 90, body);
    }

    private void handshake() throws IOException {
        byte[] c0c1 = new byte[1537];
        new Random().nextBytes(c0c1);
        c0c1[0] = 3;
        for (int i = 1; i < 9; i++) {
            c0c1[i] = 0;
        }
        out.write(c0c1);
        out.flush();
        byte[] s = in.readNBytes(1 + 2 * 1536);
        if (s.length != 1 + 2 * 1536) {
            throw new IOException("handshake: the server closed");
        }
        out.write(s, 1, 1536);
        out.flush();
    }

    private void command(int stream, Object... values) throws IOException {
        ByteBuf b = Unpooled.buffer();
        Amf0.encodeAll(b, values);
        byte[] body = new byte[b.readableBytes()];
        b.readBytes(body);
        b.release();
        send(3, MessageType.COMMAND_AMF0, stream, 0, body);
    }

    private synchronized void send(int csid, int type, int stream, long timestamp, byte[] body) throws IOException {
        RtmpMessage m = new RtmpMessage(csid, type, timestamp & 0xffffffffL, stream, Unpooled.wrappedBuffer(body));
        ByteBuf b = Unpooled.buffer(encoder.maxEncodedSize(m));
        try {
            encoder.encode(m, b);
            out.write(b.array(), b.arrayOffset() + b.readerIndex(), b.readableBytes());
        } finally {
            m.release();
            b.release();
        }
    }

    /** Reads messages until the command {@code name}; its AMF values. */
    private List<Object> await(String name) throws IOException {
        byte[] buf = new byte[8192];
        while (true) {
            Chunk c;
            while ((c = decoder.decode(inbound)) != null) {
                RtmpMessage m = assembler.accept(c);
                if (m == null) {
                    continue;
                }
                try {
                    if (m.typeId() == MessageType.SET_CHUNK_SIZE) {
                        decoder.setChunkSize(ProtocolControl.readU32(m));
                    } else if (m.typeId() == MessageType.COMMAND_AMF0) {
                        List<Object> v = Amf0.decodeAll(m.payload());
                        if (name.equals(v.get(0))) {
                            inbound.discardReadBytes();
                            return v;
                        }
                    }
                } finally {
                    m.release();
                }
            }
            inbound.discardReadBytes();
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                throw new IOException("no " + name + " from the server in 20 s");
            }
            if (n < 0) {
                throw new IOException("the server closed before " + name);
            }
            inbound.writeBytes(buf, 0, n);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        assembler.close();
        if (inbound.refCnt() > 0) {
            inbound.release();
        }
    }
}
