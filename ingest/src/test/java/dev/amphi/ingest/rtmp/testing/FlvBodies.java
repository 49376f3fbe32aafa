package dev.amphi.ingest.rtmp.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** FLV audio/video tag bodies (RTMP audio/video message payloads) for tests. */
public final class FlvBodies {

    /** An SPS NAL unit of a High profile level 3.1 stream (the parser needs only the first bytes). */
    public static final byte[] SPS = {0x67, 0x64, 0x00, 0x1f, (byte) 0xac, (byte) 0xd9, 0x40, 0x50};
    public static final byte[] PPS = {0x68, (byte) 0xeb, (byte) 0xe3, (byte) 0xcb, 0x22, (byte) 0xc0};
    /** AudioSpecificConfig: AAC-LC, 44.1 kHz, stereo. */
    public static final byte[] ASC = {0x12, 0x10};

    private FlvBodies() {
    }

    public static byte[] avcDecoderConfig() {
        return cat(new byte[] {1, 0x64, 0x00, 0x1f, (byte) 0xff, (byte) 0xe1, 0, (byte) SPS.length}, SPS,
                new byte[] {1, 0, (byte) PPS.length}, PPS);
    }

    /** Legacy AVC sequence header: keyframe, codec 7, packet type 0, cto 0. */
    public static byte[] avcSequenceHeader() {
        return cat(new byte[] {0x17, 0, 0, 0, 0}, avcDecoderConfig());
    }

    /** Legacy AVC NALU packet with a signed 24-bit composition time. */
    public static byte[] avcFrame(boolean key, int ctoMs, byte[] avcc) {
        return cat(new byte[] {(byte) (key ? 0x17 : 0x27), 1, (byte) (ctoMs >> 16), (byte) (ctoMs >> 8), (byte) ctoMs}, avcc);
    }

    /** One length-prefixed (4 bytes) NAL unit. */
    public static byte[] avcc(int nalHeader, int size) {
        byte[] b = new byte[4 + size];
        b[0] = (byte) (size >> 24);
        b[1] = (byte) (size >> 16);
        b[2] = (byte) (size >> 8);
        b[3] = (byte) size;
        b[4] = (byte) nalHeader;
        for (int i = 5; i < b.length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    /** AAC sequence header: format 10, 44 kHz, 16 bit, stereo (0xAF), packet type 0. */
    public static byte[] aacSequenceHeader() {
        return cat(new byte[] {(byte) 0xaf, 0}, ASC);
    }

    public static byte[] aacFrame(int size) {
        byte[] b = new byte[2 + size];
        b[0] = (byte) 0xaf;
        b[1] = 1;
        for (int i = 2; i < b.length; i++) {
            b[i] = (byte) (i * 7);
        }
        return b;
    }

    /** Enhanced RTMP (ExVideoTagHeader) sequence start for the FourCC, e.g. "hvc1". */
    public static byte[] exVideoSequenceStart(String fourCc) {
        return cat(new byte[] {(byte) 0x90}, fourCc.getBytes(StandardCharsets.US_ASCII), new byte[] {1, 2, 3, 4});
    }

    /** An MP3 frame header in an FLV audio tag (format 2). */
    public static byte[] mp3Frame() {
        return new byte[] {0x2f, (byte) 0xff, (byte) 0xfb, (byte) 0x90, 0x64, 0, 0, 0};
    }

    public static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
