package dev.amphi.ingest.rtmp.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The binary fixtures under {@code src/test/resources/dev/amphi/ingest/rtmp/}, and the program that
 * wrote them ({@link #main}: run it from the module directory to regenerate). A test checks that
 * the committed files equal what this class generates.
 */
public final class Fixtures {

    public static final String ROOT = "dev/amphi/ingest/rtmp/";

    private Fixtures() {
    }

    /** Every fixture by its resource path below {@link #ROOT}. */
    public static Map<String, byte[]> all() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("handshake/c0c1-plain.bin", c0c1Plain());
        m.put("handshake/c0c1-digest-scheme0.bin", c0c1Digest(0));
        m.put("handshake/c0c1-digest-scheme1.bin", c0c1Digest(1));
        chunkFixtures().forEach((k, v) -> m.put("chunk/" + k + ".bin", v));
        m.put("flv/avc-sequence-header.bin", FlvBodies.avcSequenceHeader());
        m.put("flv/avc-keyframe-cto-66.bin", FlvBodies.avcFrame(true, 66, FlvBodies.avcc(0x65, 40)));
        m.put("flv/avc-interframe-negative-cto.bin", FlvBodies.avcFrame(false, -33, FlvBodies.avcc(0x41, 20)));
        m.put("flv/aac-sequence-header.bin", FlvBodies.aacSequenceHeader());
        m.put("flv/aac-raw.bin", FlvBodies.aacFrame(24));
        m.put("flv/ex-hevc-sequence-start.bin", FlvBodies.exVideoSequenceStart("hvc1"));
        m.put("flv/mp3.bin", FlvBodies.mp3Frame());
        return m;
    }

    public static byte[] load(String path) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(ROOT + path)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + ROOT + path + " (run Fixtures.main)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources").resolve(ROOT);
        for (Map.Entry<String, byte[]> e : all().entrySet()) {
            Path p = root.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, e.getValue());
        }
    }

    // ----------------------------------------------------------------- handshake

    static final byte[] PLAYER_KEY_TEXT = "Genuine Adobe Flash Player 001".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    public static byte[] c0c1Plain() {
        byte[] b = new byte[1537];
        new Random(11).nextBytes(b);
        b[0] = 3;
        b[1] = 0; b[2] = 0; b[3] = 0x12; b[4] = 0x34; // time
        b[5] = 0; b[6] = 0; b[7] = 0; b[8] = 0;       // zero: plain style
        return b;
    }

    /** A C0+C1 as FFmpeg builds it: version 9.0.124.2 and a digest at the scheme's offset. */
    public static byte[] c0c1Digest(int scheme) {
        byte[] c1 = new byte[1536];
        new Random(20 + scheme).nextBytes(c1);
        c1[0] = 0; c1[1] = 0; c1[2] = 0; c1[3] = 0;
        c1[4] = 9; c1[5] = 0; c1[6] = 124; c1[7] = 2;
        int offset = digestOffset(c1, scheme);
        byte[] digest = hmacWithout(c1, offset, PLAYER_KEY_TEXT);
        System.arraycopy(digest, 0, c1, offset, 32);
        byte[] out = new byte[1537];
        out[0] = 3;
        System.arraycopy(c1, 0, out, 1, 1536);
        return out;
    }

    public static int digestOffset(byte[] packet, int scheme) {
        int base = scheme == 0 ? 8 : 772;
        int sum = 0;
        for (int i = 0; i < 4; i++) {
            sum += packet[base + i] & 0xff;
        }
        return base + 4 + sum % 728;
    }

    /** HMAC-SHA256 over the packet with the 32 bytes at {@code offset} left out. */
    public static byte[] hmacWithout(byte[] packet, int offset, byte[] key) {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        rest.write(packet, 0, offset);
        rest.write(packet, offset + 32, packet.length - offset - 32);
        return hmac(key, rest.toByteArray());
    }

    public static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ----------------------------------------------------------------- chunks

    /** Payload of {@code n} bytes whose values start at {@code seed}. */
    public static byte[] payload(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    static Map<String, byte[]> chunkFixtures() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("type0-single", new ChunkBytes().type0(3, 1000, 10, 20, 0).data(payload(10, 1)).bytes());
        m.put("type0-three-chunks", new ChunkBytes().type0(4, 0, 300, 9, 1).data(payload(128, 2))
                .type3(4).data(payload(128, 130)).type3(4).data(payload(44, 258)).bytes());
        m.put("types-0-1-2-3", new ChunkBytes()
                .type0(6, 1000, 4, 8, 1).data(payload(4, 10))
                .type1(6, 20, 5, 8).data(payload(5, 20))
                .type2(6, 23).data(payload(5, 30))
                .type3(6).data(payload(5, 40)).bytes());
        m.put("interleaved", new ChunkBytes()
                .type0(4, 40, 200, 9, 1).data(payload(128, 50))
                .type0(6, 42, 10, 8, 1).data(payload(10, 60))
                .type3(4).data(payload(72, 178)).bytes());
        m.put("extended-timestamp", new ChunkBytes()
                .type0(4, 0xFFFFFF, 200, 9, 1).ext(0x01000000).data(payload(128, 70))
                .type3(4).ext(0x01000000).data(payload(72, 198))
                .type3(4).ext(0x01000000).data(payload(128, 80))
                .type3(4).ext(0x01000000).data(payload(72, 208)).bytes());
        m.put("timestamp-wrap", new ChunkBytes()
                .type0(4, 0xFFFFFF, 2, 9, 1).ext(0xFFFFFFF0L).data(payload(2, 90))
                .type2(4, 0x20).data(payload(2, 92)).bytes());
        m.put("set-chunk-size-mid-stream", new ChunkBytes()
                .type0(4, 0, 300, 9, 1).data(payload(128, 100)).type3(4).data(payload(128, 228)).type3(4).data(payload(44, 356))
                .type0(2, 0, 4, 1, 0).data(new byte[] {0, 0, 1, 0})
                .type0(4, 33, 300, 9, 1).data(payload(256, 110)).type3(4).data(payload(44, 366)).bytes());
        m.put("abort", new ChunkBytes()
                .type0(4, 0, 300, 9, 1).data(payload(128, 120))
                .type0(2, 0, 4, 2, 0).data(new byte[] {0, 0, 0, 4})
                .type0(4, 50, 5, 9, 1).data(payload(5, 130)).bytes());
        m.put("long-basic-headers", new ChunkBytes()
                .type0(100, 7, 3, 18, 1).data(payload(3, 140))
                .type0(400, 8, 3, 18, 1).data(payload(3, 150)).bytes());
        return m;
    }

    /** Writes chunk headers byte by byte, as the spec draws them. */
    public static final class ChunkBytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        private ChunkBytes basic(int fmt, int csid) {
            if (csid < 64) {
                out.write((fmt << 6) | csid);
            } else if (csid < 320) {
                out.write(fmt << 6);
                out.write(csid - 64);
            } else {
                out.write((fmt << 6) | 1);
                out.write((csid - 64) & 0xff);
                out.write((csid - 64) >> 8);
            }
            return this;
        }

        private void u24(long v) {
            out.write((int) (v >> 16) & 0xff);
            out.write((int) (v >> 8) & 0xff);
            out.write((int) v & 0xff);
        }

        public ChunkBytes type0(int csid, long ts, int len, int type, int streamId) {
            basic(0, csid);
            u24(ts);
            u24(len);
            out.write(type);
            out.write(streamId & 0xff);
            out.write((streamId >> 8) & 0xff);
            out.write((streamId >> 16) & 0xff);
            out.write((streamId >> 24) & 0xff);
            return this;
        }

        public ChunkBytes type1(int csid, long delta, int len, int type) {
            basic(1, csid);
            u24(delta);
            u24(len);
            out.write(type);
            return this;
        }

        public ChunkBytes type2(int csid, long delta) {
            basic(2, csid);
            u24(delta);
            return this;
        }

        public ChunkBytes type3(int csid) {
            return basic(3, csid);
        }

        public ChunkBytes ext(long ts) {
            out.write((int) (ts >> 24) & 0xff);
            u24(ts);
            return this;
        }

        public ChunkBytes data(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        public byte[] bytes() {
            return out.toByteArray();
        }
    }
}
