package dev.amphi.ingest.webrtc.rtp;

/** Bounds-checked big-endian reads over a slice of a byte array; every shortfall names its field. */
final class ByteReader {

    private final byte[] data;
    private int pos;
    private final int end;

    ByteReader(byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset > data.length - length) {
            throw new IllegalArgumentException("slice " + offset + "+" + length + " outside an array of " + data.length);
        }
        this.data = data;
        this.pos = offset;
        this.end = offset + length;
    }

    int position() {
        return pos;
    }

    int remaining() {
        return end - pos;
    }

    void need(int n, String what) {
        if (n > end - pos) {
            throw new RtpFormatException(what + " needs " + n + " bytes but only " + (end - pos) + " remain");
        }
    }

    int u8(String what) {
        need(1, what);
        return data[pos++] & 0xff;
    }

    int u16(String what) {
        need(2, what);
        int v = ((data[pos] & 0xff) << 8) | (data[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    int u24(String what) {
        need(3, what);
        int v = ((data[pos] & 0xff) << 16) | ((data[pos + 1] & 0xff) << 8) | (data[pos + 2] & 0xff);
        pos += 3;
        return v;
    }

    int i32(String what) {
        need(4, what);
        int v = ((data[pos] & 0xff) << 24) | ((data[pos + 1] & 0xff) << 16) | ((data[pos + 2] & 0xff) << 8) | (data[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    long u32(String what) {
        return i32(what) & 0xffffffffL;
    }

    long i64(String what) {
        need(8, what);
        long hi = u32(what);
        return (hi << 32) | u32(what);
    }

    byte[] bytes(int n, String what) {
        need(n, what);
        byte[] out = java.util.Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return out;
    }

    /** {@code n} bytes of UTF-8 text; bytes that are not UTF-8 are refused. */
    String utf8(int n, String what) {
        need(n, what);
        try {
            String text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(data, pos, n)).toString();
            pos += n;
            return text;
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new RtpFormatException(what + " is not UTF-8");
        }
    }

    void skip(int n, String what) {
        need(n, what);
        pos += n;
    }

    /** The last byte of this reader's slice. */
    int lastByte() {
        return data[end - 1] & 0xff;
    }

    /** A reader over the first {@code n} remaining bytes (this reader does not move). */
    ByteReader head(int n) {
        return new ByteReader(data, pos, n);
    }

    /** A reader over the next {@code n} bytes, which this reader then skips. */
    ByteReader slice(int n, String what) {
        need(n, what);
        ByteReader r = new ByteReader(data, pos, n);
        pos += n;
        return r;
    }
}
